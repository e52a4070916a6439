"""File downloads with Chinese file names (RFC 6266 filename*), typed by their extension."""

from urllib.parse import quote

from django.http import HttpResponse

TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".json": "application/json; charset=utf-8",
}


def attachment(content: bytes | str, filename: str, content_type: str | None = None) -> HttpResponse:
    if content_type is None:
        extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
        content_type = TYPES.get(extension, "application/octet-stream")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
