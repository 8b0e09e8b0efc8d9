"""The hotline endpoints in the OpenAPI document (a PBX's token, role ``pbx``); merged by ``openapi.py``."""

from __future__ import annotations

from typing import Any

from healthpulse.core.models.calls import CALL_EVENTS, DIRECTIONS, HANGUP_CAUSES

_ERROR = {"$ref": "#/components/responses/Error"}
# Any one of: a bearer token; the same token as ?token= in the URL; an HMAC signature of the body with the
# account named beside it (both headers together: one requirement object means "and").
_SECURED: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"pbxUrlToken": []},
                                        {"pbxSignature": [], "pbxAccount": []}]

SECURITY_SCHEMES: dict[str, Any] = {
    "pbxUrlToken": {"type": "apiKey", "in": "query", "name": "token",
                    "description": "the pbx account's API token in the URL, for exchanges whose webhook settings "
                                   "take only a URL (it shows in proxy logs: prefer the header where possible)"},
    "pbxSignature": {"type": "apiKey", "in": "header", "name": "X-Healthpulse-Signature",
                     "description": "`sha256=` + hex HMAC-SHA256 of the raw request body, keyed by the account's "
                                    "secret in HEALTHPULSE_PBX_HMAC_SECRETS; a wrong signature is 401, nothing stored"},
    "pbxAccount": {"type": "apiKey", "in": "header", "name": "X-Healthpulse-Pbx",
                   "description": "the pbx account whose secret signed the body (with X-Healthpulse-Signature)"},
}

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
                                "HEALTHPULSE_MAX_RECORDING_SECONDS"},
        "language": {"type": "string", "maxLength": 16, "example": "ar",
                     "description": "the language the caller chose in the IVR menu (one of the deployment's "
                                    "languages, e.g. ru, ar, fa, vi, en; ar-EG is read as ar): Whisper "
                                    "transcribes in it. Without it the language is detected, which is "
                                    "unreliable on short calls"}}},
    "RecordingAccepted": {"type": "object", "required": ["tracking_code", "status_url"], "properties": {
        "tracking_code": {"type": "string"}, "status_url": {"type": "string"}}},
    "CallEventAccepted": {"type": "object",
                          "description": "`{}`; a repeated event is answered the same. For a `newCall` from a "
                                         "blocked number (`healthpulse calls block`): `{\"action\": \"reject\", "
                                         "\"reason\": \"busy\"}`, and nothing is stored",
                          "properties": {"action": {"type": "string", "enum": ["reject"]},
                                         "reason": {"type": "string", "enum": ["busy"]}}},
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
            "400": _ERROR, "401": _ERROR, "403": _ERROR, "415": _ERROR, "422": _ERROR, "429": _ERROR}}},
    "/api/v1/calls/{callId}/recording": {"post": {
        "summary": "a call's recording: transcribed, analysed and routed as a hotline appeal (202 with its code)",
        "operationId": "postCallRecording", "tags": ["hotline"], "security": _SECURED,
        "parameters": [{"name": "callId", "in": "path", "required": True, "description": "as in its events",
                        "schema": {"type": "string", "minLength": 1, "maxLength": 128}}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "$ref": "#/components/schemas/RecordingIn"}}}},
        "responses": {"202": {"description": "accepted (or already accepted: the same code)", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/RecordingAccepted"}}}},
            "401": _ERROR, "403": _ERROR, "404": _ERROR, "413": _ERROR, "422": _ERROR, "429": _ERROR}}},
}
