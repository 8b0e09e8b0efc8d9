"""The video appeal endpoints in the OpenAPI document: tus 1.0.0 upload (core, creation, termination,
checksum), submit, and the status as JSON.  Kept beside ``openapi.py``, which merges them in."""

from __future__ import annotations

from typing import Any

_TUS_ERROR = {"$ref": "#/components/responses/UploadError"}
_TUS_RESUMABLE = {"name": "Tus-Resumable", "in": "header", "required": True,
                  "description": "tus protocol version; anything else is 412", "schema": {"type": "string",
                                                                                        "enum": ["1.0.0"]}}
_UPLOAD_ID = {"name": "upload_id", "in": "path", "required": True, "description": "from the creation's Location",
              "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
_BYTES = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999}
_OFFSET_HEADERS = {
    "Upload-Offset": {"description": "bytes stored so far", "schema": _BYTES},
    "Upload-Expires": {"description": "when an unfinished upload is deleted (RFC 9110 date)",
                       "schema": {"type": "string"}},
    "Tus-Resumable": {"schema": {"type": "string"}},
}

SCHEMAS: dict[str, Any] = {
    "UploadError": {"type": "object", "required": ["error", "reason"], "properties": {
        "error": {"type": "string", "description": "stable code, e.g. consent_required, quota_address, offset"},
        "reason": {"type": "string", "description": "the reason in the request's UI language"}}},
    "VideoSubmitted": {"type": "object", "required": ["tracking_code", "status_url"], "properties": {
        "tracking_code": {"type": "string"}, "status_url": {"type": "string"}}},
}
RESPONSES: dict[str, Any] = {
    "UploadError": {"description": "refused, with the reason", "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/UploadError"}}}},
}

PATHS: dict[str, Any] = {
    "/video/uploads": {
        "options": {
            "summary": "tus capabilities: version, extensions, maximum size, checksum algorithms",
            "operationId": "tusOptions", "tags": ["video"],
            "responses": {"204": {"description": "capabilities", "headers": {
                "Tus-Version": {"schema": {"type": "string"}}, "Tus-Extension": {"schema": {"type": "string"}},
                "Tus-Max-Size": {"schema": _BYTES}, "Tus-Checksum-Algorithm": {"schema": {"type": "string"}}}}}},
        "post": {
            "summary": "Create a resumable video upload (public; per-address rate and reservation limits)",
            "description": "Metadata keys: consent (required, 'yes'), filename, filetype, language, region, "
                           "contact (phone or e-mail), phone, email. Values are base64 UTF-8.",
            "operationId": "tusCreate", "tags": ["video"],
            "parameters": [
                _TUS_RESUMABLE,
                {"name": "Upload-Length", "in": "header", "required": True,
                 "description": "the whole file's size in bytes (ASCII digits)", "schema": _BYTES},
                {"name": "Upload-Metadata", "in": "header", "required": False,
                 "description": "comma-separated 'key base64value' pairs, at most 4096 characters",
                 "schema": {"type": "string", "maxLength": 4096}}],
            "responses": {
                "201": {"description": "created", "headers": {
                    "Location": {"description": "the upload's URL", "schema": {"type": "string"}},
                    "Upload-Expires": _OFFSET_HEADERS["Upload-Expires"]}},
                "400": _TUS_ERROR, "412": {"description": "unsupported tus version"},
                "413": _TUS_ERROR, "429": _TUS_ERROR}},
    },
    "/video/uploads/{upload_id}": {
        "parameters": [_UPLOAD_ID],
        "head": {
            "summary": "How much of the upload is stored (resume from Upload-Offset)",
            "operationId": "tusOffset", "tags": ["video"], "parameters": [_TUS_RESUMABLE],
            "responses": {"200": {"description": "the offset", "headers": {
                **_OFFSET_HEADERS, "Upload-Length": {"schema": _BYTES}}},
                "404": {"description": "no such upload"}, "410": {"description": "expired"},
                "412": {"description": "unsupported tus version"}}},
        "patch": {
            "summary": "Append bytes at Upload-Offset (two requests at one offset: one stored, the other 409)",
            "operationId": "tusAppend", "tags": ["video"],
            "parameters": [
                _TUS_RESUMABLE,
                {"name": "Upload-Offset", "in": "header", "required": True,
                 "description": "must equal the stored offset (ASCII digits)", "schema": _BYTES},
                {"name": "Upload-Checksum", "in": "header", "required": False,
                 "description": "'<sha1|sha256|md5> <base64 digest>' of this chunk; a mismatch is 460",
                 "schema": {"type": "string", "maxLength": 200}}],
            "requestBody": {"required": True, "content": {"application/offset+octet-stream": {"schema": {
                "type": "string", "format": "binary"}}}},
            "responses": {
                "204": {"description": "stored", "headers": _OFFSET_HEADERS},
                "400": _TUS_ERROR, "403": _TUS_ERROR, "404": _TUS_ERROR, "409": _TUS_ERROR, "410": _TUS_ERROR,
                "412": {"description": "unsupported tus version"}, "413": _TUS_ERROR,
                "415": {"description": "Content-Type must be application/offset+octet-stream"},
                "460": _TUS_ERROR}},
        "delete": {
            "summary": "Cancel the upload; its bytes are deleted at once",
            "operationId": "tusTerminate", "tags": ["video"], "parameters": [_TUS_RESUMABLE],
            "responses": {"204": {"description": "deleted"}, "403": _TUS_ERROR, "404": _TUS_ERROR,
                          "410": _TUS_ERROR, "412": {"description": "unsupported tus version"}}},
    },
    "/video/uploads/{upload_id}/submit": {"post": {
        "summary": "Turn the complete upload into a video appeal (validated first)",
        "description": "Needs the CSRF token of the video page (its meta csrf-token) in X-CSRFToken.",
        "operationId": "videoSubmit", "tags": ["video"],
        "parameters": [_UPLOAD_ID, {"name": "X-CSRFToken", "in": "header", "required": True,
                                    "schema": {"type": "string"}}],
        "responses": {
            "200": {"description": "the tracking code (the same on a repeated submit)", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/VideoSubmitted"}}}},
            "400": {"description": "missing or wrong CSRF token"}, "404": _TUS_ERROR,
            "409": _TUS_ERROR, "422": _TUS_ERROR}}},
    "/video/api/status/{code}": {"get": {
        "summary": "Status of a video appeal by tracking code (public)", "operationId": "videoStatus",
        "tags": ["video"],
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string",
                                                                                  "maxLength": 64}}],
        "responses": {"200": {"description": "status", "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/AppealStatus"}}}}, "404": {"description": "no such appeal"}}}},
}
