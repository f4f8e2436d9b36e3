from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LegacyMeta")


@_attrs_define
class LegacyMeta:
    """Legacy offset pagination state. No member is required, so that a
    cursor page that also carries a total count still reads.

        Attributes:
            page (int | Unset):
            per_page (int | Unset):
            total_pages (int | Unset):
            total_count (int | Unset):
    """

    page: int | Unset = UNSET
    per_page: int | Unset = UNSET
    total_pages: int | Unset = UNSET
    total_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        page = self.page

        per_page = self.per_page

        total_pages = self.total_pages

        total_count = self.total_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if page is not UNSET:
            field_dict["page"] = page
        if per_page is not UNSET:
            field_dict["per_page"] = per_page
        if total_pages is not UNSET:
            field_dict["total_pages"] = total_pages
        if total_count is not UNSET:
            field_dict["total_count"] = total_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        page = d.pop("page", UNSET)

        per_page = d.pop("per_page", UNSET)

        total_pages = d.pop("total_pages", UNSET)

        total_count = d.pop("total_count", UNSET)

        legacy_meta = cls(
            page=page,
            per_page=per_page,
            total_pages=total_pages,
            total_count=total_count,
        )

        legacy_meta.additional_properties = d
        return legacy_meta

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
