"""What the organisation's registers add to the shared ones: picking a contact by name, and
delete questions that say what a record still holds.

A name field whose `FormField.extra` has `contact` (the key of its phone field) and
`person_key` offers the contacts as one types (`王` lists 王建国（平安办 主任，138****0001）…);
picking one fills the phone and sends the contact's id with the form, so the service links
the same person instead of creating a second 王建国.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from app.core.records import RecordNotFound
from app.core.validation import ValidationError
from app.org.people import Contact
from ui.register.form_dialog import FormDialog
from ui.register.register_view import RegisterView

NAME_ROLE = Qt.ItemDataRole.UserRole + 11
ID_ROLE = Qt.ItemDataRole.UserRole + 12
ContactsOf = Callable[[], Sequence[Contact]]
DialogFactory = Callable[..., FormDialog]


class ContactListModel(QAbstractListModel):
    """Contacts for a completer: shown by label, matched and inserted by name.

    A list model over the Python list rather than a QStandardItemModel: PySide6 6.12 crashes at
    exit when many QStandardItems hold Python data.
    """

    def __init__(self, contacts: Sequence[Contact], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.contacts = list(contacts)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """One row per contact."""
        return 0 if parent.isValid() else len(self.contacts)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The label to show, the name to match and insert, or the id."""
        if not index.isValid() or not 0 <= index.row() < len(self.contacts):
            return None
        contact = self.contacts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return contact.label
        if role in (NAME_ROLE, Qt.ItemDataRole.EditRole):
            return contact.name
        if role == ID_ROLE:
            return contact.id
        return None


class ContactPicker(QObject):
    """Offers the contacts under a name field; `picked` is the contact chosen, while the text
    is still his name."""

    def __init__(
        self,
        edit: QLineEdit,
        contacts: Sequence[Contact],
        on_pick: Callable[[Contact], None] | None = None,
    ) -> None:
        super().__init__(edit)
        self.edit = edit
        self.on_pick = on_pick
        self.by_id = {c.id: c for c in contacts}
        self.picked: Contact | None = None
        self.model = ContactListModel(contacts, self)
        self.completer = QCompleter(self.model, self)
        # matched and inserted by the name, listed with unit, post and masked phone
        self.completer.setCompletionRole(NAME_ROLE)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        edit.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._activated)
        edit.setPlaceholderText("输入姓名，可从联系人中选择")

    def _activated(self, index: QModelIndex) -> None:
        contact = self.by_id.get(index.data(ID_ROLE))
        if contact is not None:
            self.pick(contact)

    def pick(self, contact: Contact) -> None:
        """Take this contact: his name in the field, the rest through `on_pick`."""
        self.picked = contact
        self.edit.setText(contact.name)
        if self.on_pick is not None:
            self.on_pick(contact)

    def remember(self, person_id: Any, name: Any) -> None:
        """The record's stored contact, so saving unchanged keeps the same person."""
        contact = self.by_id.get(person_id)
        self.picked = contact if contact is not None and contact.name == name else None

    def person_id(self) -> int | None:
        """The picked contact's id while the field still holds his name, else None."""
        if self.picked is not None and self.edit.text().strip() == self.picked.name:
            return self.picked.id
        return None


class ContactFormDialog(FormDialog):
    """A form whose contact name fields offer the contacts (see the module docstring)."""

    def __init__(self, fields: Sequence, save: Callable, *, contacts: Sequence[Contact], **kw):
        super().__init__(fields, save, **{k: v for k, v in kw.items() if k != "values"})
        self.pickers: dict[str, tuple[ContactPicker, str]] = {}
        for f in self.fields:
            phone_key = f.extra.get("contact")
            editor = self.editors.get(f.key)
            if phone_key is None or not isinstance(editor, QLineEdit):
                continue
            phone = self.editors.get(phone_key)
            post = self.editors.get(f.extra.get("post", ""))

            def fill(
                contact: Contact, phone: QWidget | None = phone, post: QWidget | None = post
            ) -> None:
                if isinstance(phone, QLineEdit) and contact.mobile:
                    phone.setText(contact.mobile)
                if isinstance(post, QLineEdit) and contact.post and not post.text().strip():
                    post.setText(contact.post)

            self.pickers[f.key] = (ContactPicker(editor, contacts, fill), f.extra["person_key"])
        if kw.get("values"):
            self.set_values(kw["values"])

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the form; a stored contact id is remembered for its name field."""
        super().set_values(values)
        for key, (picker, person_key) in getattr(self, "pickers", {}).items():
            if person_key in values:
                picker.remember(values[person_key], values.get(key))

    def values(self) -> dict[str, Any]:
        """The raw values, with the contact picked for each name (None when typed anew)."""
        values = super().values()
        for picker, person_key in getattr(self, "pickers", {}).values():
            values[person_key] = picker.person_id()
        return values


class OrgRegisterView(RegisterView):
    """A register view whose form may be a `ContactFormDialog` (or any `dialog_factory`) and
    whose delete asks the service's `delete_question(id)` when it has one."""

    def __init__(
        self,
        register: Any,
        service: Any = None,
        *,
        contacts_of: ContactsOf | None = None,
        dialog_factory: DialogFactory | None = None,
        **options: Any,
    ) -> None:
        super().__init__(register, service, **options)
        self.contacts_of = contacts_of
        self.dialog_factory = dialog_factory

    def _open_form(self, title: str, save: Callable[[dict[str, Any]], None], values: Any) -> None:
        if self.dialog_factory is None and self.contacts_of is None:
            super()._open_form(title, save, values)
            return
        assert self.service is not None
        factory = self.dialog_factory or ContactFormDialog
        contacts = self.contacts_of() if self.contacts_of is not None else []
        dialog = factory(
            self.service.fields, save, title=title, values=values, parent=self,
            contacts=contacts, ask_discard=self.ask,
        )  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._form_closed)
        self.dialog = dialog
        dialog.open()

    def delete_selected(self) -> None:
        """Ask what the service says deleting takes or leaves, then delete; refusals shown."""
        question_of = getattr(self.service, "delete_question", None)
        if question_of is None:
            super().delete_selected()
            return
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None:
            return
        try:
            # raises ValidationError, with the reason, when the record cannot be deleted
            if not self.ask(self, f"删除{self.noun}", question_of(record_id)):
                return
            self.service.delete(record_id)
        except ValidationError as exc:
            self.inform(self, "无法删除", exc.errors.get("") or "\n".join(exc.errors.values()))
            return
        except RecordNotFound as exc:
            self._gone(exc)
            return
        self._after_write(None, row)
