from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LegacyPaginationLimitError")


@_attrs_define
class LegacyPaginationLimitError:
    """The 400 body for a legacy `page`/`per_page` request past the documented limits.

    Attributes:
        message (Literal['legacy_offset_pagination_limit_exceeded']):
        detail (str):
        requested_page (int):
        requested_per_page (int):
        requested_window (int):
        max_page (int):
        max_window (int):
        cursor_example (str): An example request using cursor pagination instead.
    """

    message: Literal["legacy_offset_pagination_limit_exceeded"]
    detail: str
    requested_page: int
    requested_per_page: int
    requested_window: int
    max_page: int
    max_window: int
    cursor_example: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        detail = self.detail

        requested_page = self.requested_page

        requested_per_page = self.requested_per_page

        requested_window = self.requested_window

        max_page = self.max_page

        max_window = self.max_window

        cursor_example = self.cursor_example

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "detail": detail,
                "requested_page": requested_page,
                "requested_per_page": requested_per_page,
                "requested_window": requested_window,
                "max_page": max_page,
                "max_window": max_window,
                "cursor_example": cursor_example,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = cast(Literal["legacy_offset_pagination_limit_exceeded"], d.pop("message"))
        if message != "legacy_offset_pagination_limit_exceeded":
            raise ValueError(f"message must match const 'legacy_offset_pagination_limit_exceeded', got '{message}'")

        detail = d.pop("detail")

        requested_page = d.pop("requested_page")

        requested_per_page = d.pop("requested_per_page")

        requested_window = d.pop("requested_window")

        max_page = d.pop("max_page")

        max_window = d.pop("max_window")

        cursor_example = d.pop("cursor_example")

        legacy_pagination_limit_error = cls(
            message=message,
            detail=detail,
            requested_page=requested_page,
            requested_per_page=requested_per_page,
            requested_window=requested_window,
            max_page=max_page,
            max_window=max_window,
            cursor_example=cursor_example,
        )

        legacy_pagination_limit_error.additional_properties = d
        return legacy_pagination_limit_error

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
