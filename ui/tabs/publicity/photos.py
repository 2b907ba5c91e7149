"""The photos of one publicity activity: thumbnails, and removing one after asking."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.publicity.activities import Photo, delete_photo, photos_of
from ui.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from sqlalchemy import Engine

THUMBNAIL = QSize(200, 150)


class PhotosDialog(QDialog):
    """Thumbnails of an activity's photos with their file names; 删除 removes the chosen one."""

    def __init__(
        self,
        engine: Engine,
        activity_id: int,
        title: str,
        user: str | None,
        ask: Callable[[QWidget, str, str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.activity_id = activity_id
        self.user = user
        self.ask = ask
        self.setWindowTitle(f"活动照片：{title}")
        self.resize(720, 480)
        fit_to_screen(self)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(THUMBNAIL)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSpacing(8)
        self.list.setWordWrap(True)
        self.empty = QLabel("这项活动还没有照片。")
        self.message = QLabel()
        self.delete_button = QPushButton("删除照片")
        self.delete_button.clicked.connect(self.delete)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.list.itemSelectionChanged.connect(self._update)
        self.photos: list[Photo] = []
        self.reload()

    def reload(self) -> None:
        """Read the activity's photos again."""
        self.photos = photos_of(self.engine, self.activity_id)
        self.list.clear()
        for photo in self.photos:
            picture = QPixmap()
            picture.loadFromData(photo.data)
            scaled = picture.scaled(
                THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )  # fmt: skip
            item = QListWidgetItem(QIcon(scaled), photo.file_name)
            item.setData(Qt.ItemDataRole.UserRole, photo.id)
            self.list.addItem(item)
        self.empty.setVisible(not self.photos)
        self._update()

    def _update(self) -> None:
        self.delete_button.setEnabled(bool(self.list.selectedItems()))

    def delete(self) -> None:
        """Ask, then remove the chosen photo."""
        items = self.list.selectedItems()
        if not items:
            return
        name = items[0].text()
        if not self.ask(self, "删除照片", f"确定删除照片“{name}”吗？"):
            return
        try:
            delete_photo(self.engine, items[0].data(Qt.ItemDataRole.UserRole), self.user)
        except ValidationError as exc:
            self.message.setText("\n".join(exc.errors.values()))
            return
        self.message.setText(f"已删除“{name}”")
        self.reload()
