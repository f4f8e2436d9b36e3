from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.contact import Contact
    from ..models.cursor_paging import CursorPaging
    from ..models.legacy_meta import LegacyMeta


T = TypeVar("T", bound="ContactList")


@_attrs_define
class ContactList:
    """A page of contacts: `data`, and `paging` in cursor mode or `meta` in
    legacy mode.

        Attributes:
            data (list[Contact]):
            meta (LegacyMeta | Unset): Legacy offset pagination state. No member is required, so that a
                cursor page that also carries a total count still reads.
            paging (CursorPaging | Unset): Cursor pagination state. `next` and `previous` are cursors (not URLs), null at
                the ends.
    """

    data: list[Contact]
    meta: LegacyMeta | Unset = UNSET
    paging: CursorPaging | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        paging: dict[str, Any] | Unset = UNSET
        if not isinstance(self.paging, Unset):
            paging = self.paging.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )
        if meta is not UNSET:
            field_dict["meta"] = meta
        if paging is not UNSET:
            field_dict["paging"] = paging

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact import Contact  # noqa: PLC0415
        from ..models.cursor_paging import CursorPaging  # noqa: PLC0415
        from ..models.legacy_meta import LegacyMeta  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Contact.from_dict(data_item_data)

            data.append(data_item)

        _meta = d.pop("meta", UNSET)
        meta: LegacyMeta | Unset
        if isinstance(_meta, Unset):
            meta = UNSET
        else:
            meta = LegacyMeta.from_dict(_meta)

        _paging = d.pop("paging", UNSET)
        paging: CursorPaging | Unset
        if isinstance(_paging, Unset):
            paging = UNSET
        else:
            paging = CursorPaging.from_dict(_paging)

        contact_list = cls(
            data=data,
            meta=meta,
            paging=paging,
        )

        contact_list.additional_properties = d
        return contact_list

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
