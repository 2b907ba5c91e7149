"""Known failures of opening a database, each with the plain Chinese message a clerk sees."""

from __future__ import annotations

from pathlib import Path


class DatabaseOpenError(Exception):
    """A database that cannot be opened; `str(error)` is the message shown to the user."""


class NotSqliteError(DatabaseOpenError):
    """The file exists but is not a SQLite database."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"文件“{path}”不是无诈台账的数据库（不是 SQLite 文件），未做任何修改。")


class NotWuzhaDatabaseError(DatabaseOpenError):
    """A SQLite file that holds tables of some other program."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"文件“{path}”是其他程序的 SQLite 数据库，不是无诈台账的数据库，未做任何修改。"
        )


class ReadOnlyDatabaseError(DatabaseOpenError):
    """The file or its folder cannot be written."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"数据库文件“{path}”是只读的（或所在文件夹不可写），无法保存数据。"
            "请复制到可写的位置，或检查文件属性后再打开。"
        )


class DatabaseLockedError(DatabaseOpenError):
    """Another copy of the program has the database open."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"数据库“{path}”已被另一个无诈台账窗口打开。请先关闭那个窗口，"
            "同一个数据库同时只能由一个程序使用。"
        )


class DatabaseTooNewError(DatabaseOpenError):
    """The schema revision is unknown to this program: a newer version wrote it."""

    def __init__(self, path: Path, revision: str) -> None:
        super().__init__(
            f"数据库“{path}”由更新版本的无诈台账创建（结构版本 {revision}），"
            "本程序无法识别。请升级无诈台账后再打开；文件未做任何修改。"
        )
        self.revision = revision
