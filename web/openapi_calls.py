"""The hotline endpoints in the OpenAPI document (a PBX's token, role ``pbx``); merged by ``openapi.py``."""

from __future__ import annotations

from typing import Any

from healthpulse.core.models.calls import CALL_EVENTS, DIRECTIONS, HANGUP_CAUSES

_ERROR = {"$ref": "#/components/responses/Error"}
_SECURED: list[dict[str, list[str]]] = [{"bearerAuth": []}]

SCHEMAS: dict[str, Any] = {
    "CallEvent": {"type": "object", "required": ["event", "callId"], "properties": {
        "event": {"type": "string", "enum": list(CALL_EVENTS), "description": "generic CTI event (`cmd` also read)"},
        "callId": {"type": "string", "minLength": 1, "maxLength": 128, "description": "the PBX's id of the call"},
        "from": {"type": "string", "maxLength": 64, "description": "caller's number"},
        "to": {"type": "string", "maxLength": 64, "description": "the number called"},
        "direction": {"type": "string", "enum": list(DIRECTIONS)},
        "user": {"type": "string", "maxLength": 200, "description": "operator who answered or placed the call"},
        "queue": {"type": "string", "maxLength": 64},
        "answeringNumber": {"type": "string", "maxLength": 64},
        "cause": {"type": "string", "enum": list(HANGUP_CAUSES), "description": "hangup only"},
        "ivr": {"type": "string", "maxLength": 32, "pattern": "^[0-9*#]+([-/., ][0-9*#]+)*$",
                "description": "the digit path the caller chose, e.g. 101 or 1-3 (routes the call)"},
        "timestamp": {"type": "string", "format": "date-time",
                      "description": "when it happened, ISO 8601 with a zone (default: when received); KPIs use it"},
    }},
    "RecordingIn": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "wav, mp3, ogg/opus or m4a; at most HEALTHPULSE_MAX_RECORDING_MB and "
                                "HEALTHPULSE_MAX_RECORDING_SECONDS"}}},
    "RecordingAccepted": {"type": "object", "required": ["tracking_code", "status_url"], "properties": {
        "tracking_code": {"type": "string"}, "status_url": {"type": "string"}}},
    "CallEventAccepted": {"type": "object", "description": "`{}`; a repeated event is answered the same",
                          "properties": {"action": {"type": "string"}, "reason": {"type": "string"}}},
}

PATHS: dict[str, Any] = {
    "/api/v1/calls/events": {"post": {
        "summary": "a PBX reports a call event (newCall, answer, hangup); idempotent by callId + event",
        "operationId": "postCallEvent", "tags": ["hotline"], "security": _SECURED,
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CallEvent"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/CallEvent"}}}},
        "responses": {"200": {"description": "stored (or a repeat, ignored)", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/CallEventAccepted"}}}},
            "400": _ERROR, "401": _ERROR, "403": _ERROR, "415": _ERROR, "422": _ERROR}}},
    "/api/v1/calls/{callId}/recording": {"post": {
        "summary": "a call's recording: transcribed, analysed and routed as a hotline appeal (202 with its code)",
        "operationId": "postCallRecording", "tags": ["hotline"], "security": _SECURED,
        "parameters": [{"name": "callId", "in": "path", "required": True, "description": "as in its events",
                        "schema": {"type": "string", "minLength": 1, "maxLength": 128}}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "$ref": "#/components/schemas/RecordingIn"}}}},
        "responses": {"202": {"description": "accepted (or already accepted: the same code)", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/RecordingAccepted"}}}},
            "401": _ERROR, "403": _ERROR, "404": _ERROR, "413": _ERROR, "422": _ERROR}}},
}
