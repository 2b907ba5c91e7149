"""Reading a stack of signed letters from the office scanner: each page rendered, its letter's
QR code read, and the hash of the page as it will be stored as the letter's signed scan (the
page itself is read again from its file when the batch is filed: see `load_scans`).

A clerk scans the signed letters that came back by the stack, as multi-page PDFs or image
files (200-300 dpi, grey or colour, pages skewed, upside down, blank, receipts torn off). Every
file is checked before any page is read: an encrypted or broken PDF, a file over
MAX_SCAN_FILE_BYTES, a batch of more than MAX_BATCH_PAGES pages or an image that does not
decode refuses the whole batch with a Chinese message. Nothing here writes to the database:
`app.letters.scan_filing` decides what each page means and files them.

Speed: a scanner's PDF page is one JPEG; it is decoded straight at about DECODE_DPI (JPEG's own
reduced decoding, four times faster than rendering the page at full size). Only a page whose
code is not found that way is looked at again: smoothed (scanner speckle breaks a module of a
few pixels), then at the scan's full resolution.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.core.attachments import (
    IMAGE_TYPES,
    MAX_ATTACHMENT_BYTES,
    PDF_TYPES,
    FileToAttach,
    file_type,
)
from app.core.progress import Job, Progress
from app.core.validation import ValidationError

log = logging.getLogger(__name__)

MAX_SCAN_FILE_BYTES = 500 * 1024 * 1024
MAX_BATCH_PAGES = 500
# An A3 page at 600 dpi is 70 million pixels; more is not a scan of a letter (and Pillow
# itself warns of a decompression bomb from 89 million).
MAX_PAGE_PIXELS = 80_000_000
DECODE_DPI = 150
THUMBNAIL_HEIGHT = 900  # at most; a page is shrunk by a whole factor
SCAN_FILE_TYPES = {**PDF_TYPES, **IMAGE_TYPES}
# A page is blank when, shrunk to an eighth, fewer than this share of its pixels are darker
# than INK_GREY: scanner noise averages out, a line of text does not.
BLANK_INK_SHARE = 0.001
INK_GREY = 200
# Filters PDFium undoes around a JPEG it extracts (ReportLab wraps its JPEGs in ASCII85)
SIMPLE_FILTERS = {"ASCIIHexDecode", "ASCII85Decode", "RunLengthDecode", "FlateDecode", "LZWDecode"}


@dataclass(frozen=True)
class ScanFile:
    """A checked file of the batch: its pages and the day it was scanned."""

    path: Path
    kind: str  # "pdf" or "image"
    pages: int
    scanned_on: date


@dataclass(frozen=True)
class ScannedPage:
    """One page of the batch as read: the codes found on it and what would be stored.

    What is stored is the page as its own file (a one-page PDF cut from a PDF, the image itself
    or a frame of a multi-page image as PNG). Only its hash and size are kept here: a batch of
    500 pages at 300 dpi is not held in memory; `load_scans` reads the pages again to file them.
    """

    index: int  # 0-based position in the batch
    file: ScanFile
    page_no: int  # 1-based page of its file
    codes: tuple[str, ...]
    blank: bool
    upside_down: bool
    thumbnail: bytes  # JPEG, upright when the code says which way is up
    sha256: str  # of the page as it would be stored
    size: int

    @property
    def source(self) -> str:
        """The file's name."""
        return self.file.path.name

    @property
    def scanned_on(self) -> date:
        """The day its file was scanned."""
        return self.file.scanned_on

    @property
    def too_big(self) -> bool:
        """Whether the page is over the 20 MB an attachment may have."""
        return self.size > MAX_ATTACHMENT_BYTES

    @property
    def label(self) -> str:
        """Where the page is: 扫描1.pdf 第3页."""
        return f"{self.source} 第{self.page_no}页"


def _refuse(path: Path, why: str) -> ValidationError:
    return ValidationError({"": f"“{path.name}”{why}，没有导入任何页面"})


def _pdf_date(text: str | None) -> date | None:
    match = re.match(r"D:(\d{4})(\d{2})(\d{2})", text or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _file_date(path: Path, stated: date | None) -> date:
    """The day written in the file by the scanner, else the day the file was last changed;
    never after today."""
    on = stated or datetime.fromtimestamp(path.stat().st_mtime).date()
    return min(on, date.today())


def _open_pdf(path: Path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _refuse(path, "是加密的PDF，请用扫描仪重新生成不加密的PDF") from exc
        raise _refuse(path, "已损坏或不是完整的PDF，无法打开") from exc
    if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
        pdf.close()
        raise _refuse(path, "是加密的PDF，请用扫描仪重新生成不加密的PDF")
    return pdf


def _open_image(path: Path):
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            if image.width * image.height > MAX_PAGE_PIXELS:
                image.close()
                raise _refuse(path, "的图片太大（超过8000万像素），不是一页扫描件")
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(path, "的图片太大（超过8000万像素），不是一页扫描件") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _refuse(path, "无法解码，不是能识别的图片") from exc
    return image


def check_scan_files(paths: Sequence[Path | str]) -> list[ScanFile]:
    """Every file of a batch checked, before any page is read: ValidationError saying which
    file and why (missing, empty, over 500 MB, not a PDF or an image, an encrypted or broken
    PDF, an image that does not decode, more than MAX_BATCH_PAGES pages in all)."""
    if not paths:
        raise ValidationError({"": "请选择扫描件（PDF或图片）"})
    files = []
    for path in map(Path, paths):
        try:
            size = path.stat().st_size
            with path.open("rb") as f:
                head = f.read(16)
        except OSError as exc:
            raise _refuse(path, f"无法读取：{exc.strerror or exc}") from exc
        if size > MAX_SCAN_FILE_BYTES:
            limit = MAX_SCAN_FILE_BYTES // 1024 // 1024
            raise _refuse(
                path, f"有{size / 1024 / 1024:.0f} MB，超过{limit} MB，请分成几个文件扫描"
            )
        if size == 0:
            raise _refuse(path, "是空文件")
        mime = file_type(head, SCAN_FILE_TYPES)
        if mime is None:
            raise _refuse(path, "不是PDF或图片（PNG、JPEG、TIFF）")
        if mime == "application/pdf":
            pdf = _open_pdf(path)
            try:
                pages = len(pdf)
                stated = _pdf_date(pdf.get_metadata_dict().get("CreationDate"))
            finally:
                pdf.close()
            files.append(ScanFile(path, "pdf", pages, _file_date(path, stated)))
        else:
            image = _open_image(path)
            try:
                pages = getattr(image, "n_frames", 1)
                exif = image.getexif().get(306)  # DateTime: "2026:12:07 09:30:00"
            finally:
                image.close()
            stated = _pdf_date("D:" + str(exif).replace(":", "")[:8]) if exif else None
            files.append(ScanFile(path, "image", pages, _file_date(path, stated)))
    total = sum(f.pages for f in files)
    if total == 0:
        raise ValidationError({"": "所选文件中没有页面"})
    if total > MAX_BATCH_PAGES:
        raise ValidationError(
            {"": f"所选文件共有{total}页，一次最多导入{MAX_BATCH_PAGES}页，请分批导入，"
                 "没有导入任何页面"}
        )  # fmt: skip
    return files


def read_codes(image) -> tuple[tuple[str, ...], bool]:
    """The texts of the QR codes on a page image, and whether the page lies upside down."""
    import zxingcpp

    # printed codes are dark on light, and a QR code is found at any angle without try_rotate
    found = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=False, try_invert=False
    )
    texts = tuple(dict.fromkeys(code.text.strip() for code in found if code.text.strip()))
    upside_down = bool(found) and abs(found[0].orientation) > 90
    return texts, upside_down


def _read_codes_harder(grey, full) -> tuple[tuple[str, ...], bool]:
    """A code the first look missed: the scanner's speckle smoothed away (a grain of noise on a
    module of four pixels breaks it), then every pixel the scanner took, smoothed too."""
    from PIL import ImageFilter

    smooth = ImageFilter.GaussianBlur(1)
    for attempt in (
        lambda: grey.filter(smooth),
        full,
        lambda: full().filter(smooth),
    ):
        codes, upside_down = read_codes(attempt())
        if codes:
            return codes, upside_down
    return (), False


def is_blank(grey) -> bool:
    """Whether a grey page holds nothing: no text, no code, only the scanner's noise."""
    small = grey.reduce(8)
    histogram = small.histogram()
    return sum(histogram[:INK_GREY]) < BLANK_INK_SHARE * small.width * small.height


def _thumbnail(grey, upside_down: bool) -> bytes:
    from PIL import Image

    image = grey.reduce(max(1, -(-grey.height // THUMBNAIL_HEIGHT)))  # a box filter: fast
    if upside_down:
        image = image.transpose(Image.Transpose.ROTATE_180)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


_PDF_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]")
_PDF_CREATED = re.compile(rb"/CreationDate\s*\(D:\d{14}")


def _stable_pdf(content: bytes, scanned_on: date) -> bytes:
    """PDFium writes the time of saving and a random file ID; the day of the scan and an ID
    derived from the content make the same page of the same scan the same bytes, so importing
    a scan again is recognised. Every replacement keeps its length: offsets stay right."""
    day = scanned_on.strftime("%Y%m%d").encode()
    content = _PDF_CREATED.sub(lambda m: m.group(0)[:-14] + day + b"000000", content, count=1)
    tail = content[-512:]
    match = _PDF_ID.search(tail)
    if match is None:
        return content
    body = content[: len(content) - len(tail)]
    token = hashlib.sha256(body).hexdigest()[:32].upper()
    new_id = f"/ID[<{token}><{token}>]".encode().ljust(len(match.group(0)))
    return body + tail[: match.start()] + new_id + tail[match.end() :]


def _pdf_page_scan(pdf, index: int, scanned_on: date) -> bytes:
    import pypdfium2 as pdfium

    single = pdfium.PdfDocument.new()
    try:
        single.import_pages(pdf, [index])
        out = io.BytesIO()
        single.save(out)
    finally:
        single.close()
    return _stable_pdf(out.getvalue(), scanned_on)


def _page_jpeg(page):
    """The page's only picture when it is a JPEG filling the page (as a scanner writes it)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    objects = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1))
    if len(objects) != 1:
        return None
    picture = objects[0]
    try:
        *outer, last = picture.get_filters() or [""]
        if last != "DCTDecode" or not set(outer) <= SIMPLE_FILTERS:
            return None
        data = bytes(picture.get_data(decode_simple=True))
    except (pdfium.PdfiumError, ValueError, OSError):
        return None
    return data if data.startswith(b"\xff\xd8") else None


def _grey_from_jpeg(content: bytes, page_width_pt: float):
    from PIL import Image

    image = Image.open(io.BytesIO(content))
    dpi = image.width / max(page_width_pt / 72, 0.1)
    scale = max(1, int(dpi // DECODE_DPI))
    image.draft("L", (image.width // scale, image.height // scale))
    return image.convert("L")


def _pdf_pages(file: ScanFile) -> Iterator[tuple[int, object, object, bytes]]:
    """Each page of a PDF: (page number, a grey image at about DECODE_DPI, a function that
    renders it at full resolution, the page as its own PDF)."""
    from PIL import UnidentifiedImageError

    pdf = _open_pdf(file.path)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width = page.get_width()
                jpeg = _page_jpeg(page)
                grey = None
                if jpeg is not None:
                    try:
                        grey = _grey_from_jpeg(jpeg, width)
                    except (UnidentifiedImageError, OSError, ValueError):
                        grey = None
                if grey is None:
                    grey = page.render(scale=DECODE_DPI / 72, grayscale=True).to_pil().convert("L")

                def full(page=page):
                    return page.render(scale=300 / 72, grayscale=True).to_pil().convert("L")

                scan = _pdf_page_scan(pdf, index, file.scanned_on)
                yield index + 1, grey, full, scan
            finally:
                page.close()
    finally:
        pdf.close()


def _open_frames(file: ScanFile):
    """The image and, for a single PNG or JPEG, its bytes (stored as the scanner wrote them)."""
    image = _open_image(file.path)
    single = getattr(image, "n_frames", 1) == 1 and image.format in ("JPEG", "PNG")
    return image, (file.path.read_bytes() if single else None)


def _frame_content(image, original: bytes | None, index: int) -> bytes:
    if original is not None:
        return original
    image.seek(index)
    out = io.BytesIO()
    image.convert("L" if image.mode in ("1", "L", "I;16") else "RGB").save(out, "PNG")
    return out.getvalue()


def _image_pages(file: ScanFile) -> Iterator[tuple[int, object, object, bytes]]:
    image, original = _open_frames(file)
    try:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            grey = image.convert("L")
            content = _frame_content(image, original, index)
            yield index + 1, grey, (lambda grey=grey: grey), content
    finally:
        image.close()


def _scan_of(file: ScanFile, page_no: int, content: bytes) -> FileToAttach:
    mime = file_type(content[:16], SCAN_FILE_TYPES) or "application/octet-stream"
    stem = file.path.stem[:200]
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg"}.get(mime, "png")
    return FileToAttach(f"{stem}-第{page_no}页.{ext}", mime, content)


def load_scans(pages: Sequence[ScannedPage]) -> Iterator[tuple[ScannedPage, FileToAttach]]:
    """Each page as it is stored, read again from its file, in the order given (each file is
    opened once for a run of its pages). ValidationError when a page is no longer what the
    preview showed: its file was changed, replaced or moved away since it was read."""
    current: ScanFile | None = None
    handle, original = None, None
    try:
        for page in pages:
            if page.file != current:
                if handle is not None:
                    handle.close()
                    handle = None
                current = page.file
                try:
                    if current.kind == "pdf":
                        handle = _open_pdf(current.path)
                    else:
                        handle, original = _open_frames(current)
                except (ValidationError, OSError) as exc:
                    raise _changed(current) from exc
            if current.kind == "pdf":
                content = _pdf_page_scan(handle, page.page_no - 1, current.scanned_on)
            else:
                content = _frame_content(handle, original, page.page_no - 1)
            if hashlib.sha256(content).hexdigest() != page.sha256:
                raise _changed(current)
            yield page, _scan_of(current, page.page_no, content)
    finally:
        if handle is not None:
            handle.close()


def _changed(file: ScanFile) -> ValidationError:
    why = "在识别后被修改、替换或移走，请重新选择扫描件导入"
    return ValidationError({"": f"“{file.path.name}”{why}，没有导入任何页面"})


def read_scans_job(paths: Sequence[Path | str]) -> Job[list[ScannedPage]]:
    """Check the files (see `check_scan_files`), then read every page: its codes, whether it
    is blank, a thumbnail and the hash of the page as it would be stored. Writes nothing;
    closing the job stops it between pages."""
    files = check_scan_files(paths)
    total = sum(f.pages for f in files)
    pages: list[ScannedPage] = []
    yield Progress(0, total, "正在读取扫描件…")
    for file in files:
        reader = _pdf_pages(file) if file.kind == "pdf" else _image_pages(file)
        first = len(pages)
        try:
            for page_no, grey, full, content in reader:
                codes, upside_down = read_codes(grey)
                blank = not codes and is_blank(grey)
                if not codes and not blank:
                    codes, upside_down = _read_codes_harder(grey, full)
                pages.append(
                    ScannedPage(
                        index=len(pages), file=file, page_no=page_no, codes=codes,
                        blank=blank, upside_down=upside_down,
                        thumbnail=_thumbnail(grey, upside_down),
                        sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                    )
                )  # fmt: skip
                yield Progress(len(pages), total, f"正在识别第{len(pages)}/{total}页…")
        except GeneratorExit:
            raise
        except ValidationError:
            raise
        except Exception as exc:  # a page PDFium or Pillow cannot draw: the file is damaged
            log.warning("a scanned page could not be read: %s", type(exc).__name__)
            raise _refuse(
                file.path, f"第{len(pages) - first + 1}页无法读取，文件可能已损坏"
            ) from exc
        finally:
            reader.close()
    return pages
