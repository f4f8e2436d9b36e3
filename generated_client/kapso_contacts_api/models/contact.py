from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.contact_metadata_type_0 import ContactMetadataType0


T = TypeVar("T", bound="Contact")


@_attrs_define
class Contact:
    """A WhatsApp contact. Only the keyset fields are required: Kapso's own
    document marks nothing required, and its cursors are keysets over
    (`created_at`, `id`).

        Attributes:
            id (UUID):
            created_at (datetime.datetime): Creation time, UTC with microseconds (`2025-03-26T15:05:00.000000Z`).
            wa_id (None | str | Unset): WhatsApp ID (phone number in international form); null when WhatsApp only gives a
                business-scoped identity.
            business_scoped_user_id (None | str | Unset): Business-scoped user ID. Not on the docs page.
            parent_business_scoped_user_id (None | str | Unset): Parent business-scoped user ID. Not on the docs page.
            username (None | str | Unset): WhatsApp username. Not on the docs page.
            profile_name (str | Unset): The name the contact set in WhatsApp.
            display_name (None | str | Unset): A display name set in Kapso.
            customer_id (None | Unset | UUID): The customer the contact belongs to.
            metadata (ContactMetadataType0 | None | Unset): Free-form metadata with arbitrary keys.
            updated_at (datetime.datetime | Unset): Last update time, UTC with microseconds.
    """

    id: UUID
    created_at: datetime.datetime
    wa_id: None | str | Unset = UNSET
    business_scoped_user_id: None | str | Unset = UNSET
    parent_business_scoped_user_id: None | str | Unset = UNSET
    username: None | str | Unset = UNSET
    profile_name: str | Unset = UNSET
    display_name: None | str | Unset = UNSET
    customer_id: None | Unset | UUID = UNSET
    metadata: ContactMetadataType0 | None | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.contact_metadata_type_0 import ContactMetadataType0  # noqa: PLC0415

        id = str(self.id)

        created_at = self.created_at.isoformat()

        wa_id: None | str | Unset
        if isinstance(self.wa_id, Unset):
            wa_id = UNSET
        else:
            wa_id = self.wa_id

        business_scoped_user_id: None | str | Unset
        if isinstance(self.business_scoped_user_id, Unset):
            business_scoped_user_id = UNSET
        else:
            business_scoped_user_id = self.business_scoped_user_id

        parent_business_scoped_user_id: None | str | Unset
        if isinstance(self.parent_business_scoped_user_id, Unset):
            parent_business_scoped_user_id = UNSET
        else:
            parent_business_scoped_user_id = self.parent_business_scoped_user_id

        username: None | str | Unset
        if isinstance(self.username, Unset):
            username = UNSET
        else:
            username = self.username

        profile_name = self.profile_name

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        customer_id: None | str | Unset
        if isinstance(self.customer_id, Unset):
            customer_id = UNSET
        elif isinstance(self.customer_id, UUID):
            customer_id = str(self.customer_id)
        else:
            customer_id = self.customer_id

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, ContactMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created_at": created_at,
            }
        )
        if wa_id is not UNSET:
            field_dict["wa_id"] = wa_id
        if business_scoped_user_id is not UNSET:
            field_dict["business_scoped_user_id"] = business_scoped_user_id
        if parent_business_scoped_user_id is not UNSET:
            field_dict["parent_business_scoped_user_id"] = parent_business_scoped_user_id
        if username is not UNSET:
            field_dict["username"] = username
        if profile_name is not UNSET:
            field_dict["profile_name"] = profile_name
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact_metadata_type_0 import ContactMetadataType0  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_wa_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        wa_id = _parse_wa_id(d.pop("wa_id", UNSET))

        def _parse_business_scoped_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        business_scoped_user_id = _parse_business_scoped_user_id(d.pop("business_scoped_user_id", UNSET))

        def _parse_parent_business_scoped_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_business_scoped_user_id = _parse_parent_business_scoped_user_id(
            d.pop("parent_business_scoped_user_id", UNSET)
        )

        def _parse_username(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        username = _parse_username(d.pop("username", UNSET))

        profile_name = d.pop("profile_name", UNSET)

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_customer_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                customer_id_type_0 = UUID(data)

                return customer_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        customer_id = _parse_customer_id(d.pop("customer_id", UNSET))

        def _parse_metadata(data: object) -> ContactMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = ContactMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        contact = cls(
            id=id,
            created_at=created_at,
            wa_id=wa_id,
            business_scoped_user_id=business_scoped_user_id,
            parent_business_scoped_user_id=parent_business_scoped_user_id,
            username=username,
            profile_name=profile_name,
            display_name=display_name,
            customer_id=customer_id,
            metadata=metadata,
            updated_at=updated_at,
        )

        contact.additional_properties = d
        return contact

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
