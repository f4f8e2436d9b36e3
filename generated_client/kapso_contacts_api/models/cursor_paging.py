from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.cursor_pair import CursorPair


T = TypeVar("T", bound="CursorPaging")


@_attrs_define
class CursorPaging:
    """Cursor pagination state. `next` and `previous` are cursors (not URLs), null at the ends.

    Attributes:
        cursors (CursorPair): Cursors of the first (`before`) and last (`after`) contact on the page; null on an empty
            page.
        next_ (None | str): Pass as `after` for the next page; null on the last page.
        previous (None | str): Pass as `before` for the previous page; null on the first page.
    """

    cursors: CursorPair
    next_: None | str
    previous: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cursors = self.cursors.to_dict()

        next_: None | str
        next_ = self.next_

        previous: None | str
        previous = self.previous

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cursors": cursors,
                "next": next_,
                "previous": previous,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cursor_pair import CursorPair  # noqa: PLC0415

        d = dict(src_dict)
        cursors = CursorPair.from_dict(d.pop("cursors"))

        def _parse_next_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_ = _parse_next_(d.pop("next"))

        def _parse_previous(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous = _parse_previous(d.pop("previous"))

        cursor_paging = cls(
            cursors=cursors,
            next_=next_,
            previous=previous,
        )

        cursor_paging.additional_properties = d
        return cursor_paging

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
