"""The OpenAPI 3.0 document for /api/v1 and the video upload endpoints (served at /api/v1/openapi.json,
rendered at /api/v1/docs); the video part is in ``openapi_video.py``."""

from __future__ import annotations

from typing import Any

from healthpulse.web import openapi_calls, openapi_video
from healthpulse.web.i18n import UI_LANGUAGES
from healthpulse.web.labels import ALERT_STATES, CHANNELS, SENTIMENTS, SEVERITIES, TICKET_STATUSES, TOPICS

_ERROR = {"$ref": "#/components/responses/Error"}


def _arr(name: str, values: Any, desc: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": desc, "style": "form", "explode": True,
            "schema": {"type": "array", "items": {"type": "string", "enum": list(values)}}}


def _incident_decision(action: str, body: str, secured: Any) -> dict[str, Any]:
    """POST /api/v1/incidents/{id}/split|merge: a staff correction of merging, stored for `incidents tune`."""
    return {"post": {
        "summary": f"Staff {action} (scoped; body: {body}); stored as a decision for `healthpulse incidents tune`",
        "operationId": f"{action}Incident", "security": secured,
        "parameters": [{"name": "incident_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": [body], "properties": {
                body: {"type": "string" if body == "document_id" else "integer"}, "note": {"type": "string"}}}}}},
        "responses": {"200": {"description": "the incident now holding the document(s)", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "incident": {"$ref": "#/components/schemas/Incident"}}}}}},
            "401": _ERROR, "403": _ERROR, "404": _ERROR, "409": _ERROR, "422": _ERROR, "429": _ERROR}}}


def _ticket_action(secured: Any) -> dict[str, Any]:
    """POST /api/v1/tickets/{id}/{action}: a staff change to a ticket, optimistic locking by If-Match."""
    return {"post": {
        "summary": "Change a ticket (scoped): take, assign {assignee}, status {status, note}, note {text}, "
                   "close {resolution, internal_note}, reopen {reason}. State changes take the version the client "
                   "read (If-Match: \"<version>\" or `version`); a stale one is 409 with `current_version` and "
                   "nothing changes. Without a version the last writer wins.",
        "operationId": "changeTicket", "security": secured,
        "parameters": [
            {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}},
            {"name": "action", "in": "path", "required": True, "schema": {
                "type": "string", "enum": ["take", "assign", "status", "note", "close", "reopen"]}},
            {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
             "description": "the ticket's ETag (its version) as read"}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "version": {"type": "integer", "minimum": 1}, "assignee": {"type": "string"},
                "status": {"type": "string"}, "note": {"type": "string"}, "text": {"type": "string"},
                "resolution": {"type": "string"}, "internal_note": {"type": "string"},
                "reason": {"type": "string"}}}}}},
        "responses": {"200": {"description": "the ticket as it is now (ETag: its version)", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}},
            "400": _ERROR, "401": _ERROR, "403": _ERROR, "404": _ERROR,
            "409": {"description": "the ticket changed since that version; body: error, message, current_version",
                    "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "error": {"type": "string"}, "message": {"type": "string"},
                        "current_version": {"type": "integer"}}}}}},
            "415": _ERROR, "422": _ERROR, "429": _ERROR}}}


def _filters(departments: bool = True) -> list[dict[str, Any]]:
    params = [
        {"name": "q", "in": "query", "required": False, "description": "full-text query (all languages)",
         "schema": {"type": "string", "maxLength": 200}},
        {"name": "from", "in": "query", "required": False,
         "description": "first day (UTC), inclusive, YYYY-MM-DD between 1900-01-01 and 2199-12-31",
         "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "required": False,
         "description": "last day (UTC), inclusive, YYYY-MM-DD between 1900-01-01 and 2199-12-31; not before `from` "
                        "(a reversed range is a 400 naming `to`)",
         "schema": {"type": "string", "format": "date"}},
        {"name": "period", "in": "query", "required": False,
         "description": "a preset window instead of from/to: the last 24 hours, or the last 7 or 30 days up to today",
         "schema": {"type": "string", "enum": ["24h", "7d", "30d"]}},
        {"name": "incident", "in": "query", "required": False, "description": "only incidents (1) or non-incidents (0)",
         "schema": {"type": "string", "enum": ["1", "0", "true", "false"]}},
        _arr("language", UI_LANGUAGES, "document language"),
        _arr("channel", CHANNELS, "channel"),
        _arr("topic", TOPICS, "topic id"),
        _arr("sentiment", SENTIMENTS, "sentiment label"),
        _arr("severity", SEVERITIES, "severity"),
        {"name": "min_reach", "in": "query", "required": False,
         "description": "only documents whose reach_total (a social post's views, else its interactions) is at least this",
         "schema": {"type": "integer", "minimum": 0, "maximum": 10**12}},
    ]
    if departments:
        params.append({"name": "department", "in": "query", "required": False, "style": "form", "explode": True,
                       "description": "department id (department tokens are always limited to their own)",
                       "schema": {"type": "array", "items": {"type": "string", "maxLength": 64}}})
    return params


def openapi_document(server_url: str = "") -> dict[str, Any]:
    secured: list[dict[str, list[str]]] = [{"bearerAuth": []}]
    return {
        "openapi": "3.0.3",
        "info": {"title": "HealthPulse API", "version": "1.0.0",
                 "description": "Citizen appeals, media monitoring search, alerts, tickets and KPIs. "
                                "Authenticate with `Authorization: Bearer <token>` (tokens are issued by an admin)."},
        "servers": [{"url": server_url or "/"}],
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}, **openapi_calls.SECURITY_SCHEMES},
            "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Error"}}}}, **openapi_video.RESPONSES},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}},
                "AppealIn": {"type": "object", "required": ["text", "topic", "department", "language", "consent"],
                             "properties": {
                                 "text": {"type": "string", "minLength": 10, "maxLength": 5000},
                                 "topic": {"type": "string", "enum": list(TOPICS)},
                                 "department": {"type": "string", "maxLength": 64},
                                 "language": {"type": "string", "enum": list(UI_LANGUAGES)},
                                 "consent": {"type": "boolean"},
                                 "contact_name": {"type": "string", "maxLength": 200},
                                 "contact_phone": {"type": "string", "maxLength": 64},
                                 "contact_email": {"type": "string", "maxLength": 200}}},
                "AppealCreated": {"type": "object", "required": ["tracking_code", "status_url"], "properties": {
                    "tracking_code": {"type": "string"}, "status_url": {"type": "string"}}},
                "AppealStatus": {"type": "object", "required": ["tracking_code", "status", "history"], "properties": {
                    "tracking_code": {"type": "string"}, "status": {"type": "string"},
                    "channel": {"type": "string"}, "topic": {"type": "string", "nullable": True},
                    "department": {"type": "string", "nullable": True},
                    "created_at": {"type": "string", "nullable": True},
                    "history": {"type": "array", "items": {"type": "object"}},
                    "public_reply": {"type": "string", "nullable": True},
                    "rejection_reason": {"type": "string", "nullable": True},
                    "survey": {"type": "object", "nullable": True}}},
                "SearchResult": {"type": "object", "required": ["total", "hits"], "properties": {
                    "total": {"type": "integer"},
                    "total_relation": {"type": "string", "enum": ["eq", "gte"],
                                       "description": "gte: total is a lower bound (a fused answer's lists were cut)"},
                    "hits": {"type": "array", "items": {"type": "object"}},
                    "facets": {"type": "object"}, "histogram": {"type": "array", "items": {"type": "object"}},
                    "next_cursor": {"type": "string", "nullable": True}}},
                "View": {"type": "object", "required": ["view", "columns", "rows"], "properties": {
                    "view": {"type": "string"}, "columns": {"type": "array", "items": {"type": "string"}},
                    "rows": {"type": "array", "items": {"type": "array", "items": {}}},
                    "chart": {"type": "object", "nullable": True}}},
                "CorrectionIn": {"type": "object", "additionalProperties": False, "minProperties": 1,
                                 "description": "any subset of the correctable fields; unchanged values are no-ops",
                                 "properties": {
                                     "incident": {"type": "boolean"},
                                     "severity": {"type": "string", "enum": list(SEVERITIES), "nullable": True,
                                                  "description": "only with an incident"},
                                     "sentiment": {"type": "string", "enum": list(SENTIMENTS)},
                                     "topics": {"type": "array", "items": {"type": "string", "enum": list(TOPICS)}},
                                     "department": {"type": "string", "maxLength": 64, "nullable": True},
                                     "note": {"type": "string", "maxLength": 2000}}},
                "Correction": {"type": "object", "required": ["id", "field", "user", "at"], "properties": {
                    "id": {"type": "integer"}, "document_id": {"type": "string"},
                    "field": {"type": "string", "enum": ["incident", "severity", "sentiment", "topics", "department"]},
                    "old": {"nullable": True}, "new": {"nullable": True}, "user": {"type": "string"},
                    "at": {"type": "string", "format": "date-time"}, "note": {"type": "string", "nullable": True}}},
                "Corrections": {"type": "object", "required": ["document_id", "current", "corrections"], "properties": {
                    "document_id": {"type": "string"}, "current": {"type": "object"},
                    "changed": {"type": "array", "items": {"type": "string"}},
                    "corrections": {"type": "array", "items": {"$ref": "#/components/schemas/Correction"}}}},
                "Incident": {"type": "object", "required": ["id", "document_ids", "coverage"], "properties": {
                    "id": {"type": "integer"}, "department": {"type": "string", "nullable": True},
                    "topics": {"type": "array", "items": {"type": "string"}},
                    "severity": {"type": "string", "nullable": True}, "status": {"type": "string"},
                    "document_ids": {"type": "array", "items": {"type": "string"}},
                    "channels": {"type": "array", "items": {"type": "string"}},
                    "languages": {"type": "array", "items": {"type": "string"}},
                    "first_seen_at": {"type": "string", "format": "date-time"},
                    "last_seen_at": {"type": "string", "format": "date-time"},
                    "response_at": {"type": "string", "format": "date-time", "nullable": True},
                    "response": {"type": "object", "nullable": True, "description": "what the response was: a "
                                 "ticket's first reply or first staff action, or the first new official statement "
                                 "in a report after the first one (its document and sentence)", "properties": {
                                     "at": {"type": "string", "format": "date-time"},
                                     "kind": {"type": "string", "enum": ["ticket_response", "department_action",
                                                                         "official_statement"]},
                                     "document_id": {"type": "string", "nullable": True},
                                     "statement": {"type": "string", "nullable": True}}},
                    "coverage": {"type": "object", "properties": {
                        "before_per_day": {"type": "number", "nullable": True},
                        "after_per_day": {"type": "number", "nullable": True},
                        "reach_before_per_day": {"type": "number", "nullable": True},
                        "reach_after_per_day": {"type": "number", "nullable": True}}},
                    "documents": {"type": "array", "description": "only on /incidents/{id}: the timeline, each "
                                  "document with the signals that linked it", "items": {"type": "object"}}}},
                "Ticket": {"type": "object", "required": ["id", "status", "severity"], "properties": {
                    "id": {"type": "integer"}, "status": {"type": "string", "enum": list(TICKET_STATUSES)},
                    "severity": {"type": "string"}, "department": {"type": "string", "nullable": True},
                    "title": {"type": "string"}, "due_at": {"type": "string", "nullable": True},
                    "version": {"type": "integer", "description": "optimistic-locking version (also the ETag); "
                                "send it back as If-Match or `version` when changing the ticket"}}},
                **openapi_video.SCHEMAS,
                **openapi_calls.SCHEMAS,
            },
        },
        "paths": {
            "/api/v1/appeals": {"post": {
                "summary": "Submit a text appeal (public, rate limited)", "operationId": "createAppeal",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/AppealIn"}}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/AppealCreated"}}}},
                    "400": _ERROR, "415": _ERROR, "422": _ERROR, "429": _ERROR}}},
            "/api/v1/appeals/{code}": {"get": {
                "summary": "Status of an appeal by tracking code (public, rate limited)", "operationId": "appealStatus",
                "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "status", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/AppealStatus"}}}}, "404": _ERROR, "429": _ERROR}}},
            "/api/v1/documents/search": {"get": {
                "summary": "Search documents (all languages) with facets and highlighted snippets",
                "operationId": "searchDocuments", "security": secured,
                "parameters": [*_filters(),
                               {"name": "size", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                               {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
                               {"name": "sort", "in": "query", "required": False,
                                "description": "default: relevance with q, else newest; reach: widest reach first",
                                "schema": {"type": "string", "enum": ["relevance", "newest", "oldest", "reach"]}}],
                "responses": {"200": {"description": "results", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/SearchResult"}}}},
                    "400": _ERROR, "401": _ERROR, "403": _ERROR, "429": _ERROR}}},
            "/api/v1/search": {"get": {
                "summary": "Cross-lingual search: a query in any of the five languages finds documents in all five",
                "description": "mode=hybrid (default) fuses the full-text match, vector nearest neighbours and the "
                               "places/topics the query names by reciprocal rank; text = the words in their own "
                               "language (with next_cursor); semantic = vector neighbours only. Hybrid and semantic "
                               "return one page of best hits (no next_cursor). A bad mode is a 400 naming 'mode'.",
                "operationId": "crossLingualSearch", "security": secured,
                "parameters": [*_filters(),
                               {"name": "mode", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": ["text", "semantic", "hybrid"], "default": "hybrid"}},
                               {"name": "size", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                               {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "hits: id, title, language, channel, snippet (plain), "
                                                     "snippet_html (query words in <mark>), score, published_at, "
                                                     "department, topics, url",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": _ERROR, "401": _ERROR, "403": _ERROR, "429": _ERROR}}},
            "/api/v1/dashboard/{name}": {"get": {
                "summary": "A dashboard view (press, admin)", "operationId": "dashboardView", "security": secured,
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {
                    "type": "string", "enum": ["volume", "negative_stories", "rising_topics", "regions"]}},
                    {"name": "split", "in": "query", "required": False, "schema": {
                        "type": "string", "enum": ["sentiment", "topics", "department", "channel"]}}, *_filters()],
                "responses": {"200": {"description": "view", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/View"}}}}, "400": _ERROR, "401": _ERROR, "403": _ERROR,
                    "404": _ERROR, "429": _ERROR}}},
            "/api/v1/alerts": {"get": {
                "summary": "Alerts (department tokens: own department only)", "operationId": "listAlerts",
                "security": secured,
                "parameters": [{"name": "state", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": list(ALERT_STATES)}},
                               {"name": "limit", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
                "responses": {"200": {"description": "alerts", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"alerts": {"type": "array", "items": {"type": "object"}}}}}}},
                    "400": _ERROR, "401": _ERROR, "403": _ERROR, "429": _ERROR}}},
            "/api/v1/tickets": {"get": {
                "summary": "Tickets with counters (department tokens: own department only)", "operationId": "listTickets",
                "security": secured,
                "parameters": [
                    {"name": "status", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(TICKET_STATUSES)}},
                    {"name": "severity", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(SEVERITIES)}},
                    {"name": "sla", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["due", "breached"]}},
                    {"name": "topic", "in": "query", "required": False, "schema": {"type": "string", "enum": list(TOPICS)}},
                    {"name": "channel", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(CHANNELS)}},
                    {"name": "sort", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["due", "-due", "created", "-created", "severity", "-severity"]}},
                    {"name": "q", "in": "query", "required": False, "description":
                     "text in the title, the documents or the tracking code, or #<ticket number>",
                     "schema": {"type": "string", "maxLength": 200}},
                    {"name": "mine", "in": "query", "required": False, "description": "only tickets assigned to the caller",
                     "schema": {"type": "string", "enum": ["1"]}},
                    {"name": "page", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
                "responses": {"200": {"description": "tickets", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"tickets": {"type": "array", "items": {
                        "$ref": "#/components/schemas/Ticket"}}, "counters": {"type": "object"},
                        "total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"}}}}}},
                    "400": _ERROR, "401": _ERROR, "403": _ERROR, "429": _ERROR}}},
            "/api/v1/tickets/{ticket_id}": {"get": {
                "summary": "One ticket with documents and history (scoped)", "operationId": "getTicket",
                "security": secured,
                "parameters": [{"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ticket", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Ticket"}}}}, "401": _ERROR, "403": _ERROR, "404": _ERROR,
                    "429": _ERROR}}},
            "/api/v1/tickets/{ticket_id}/{action}": _ticket_action(secured),
            "/api/v1/incidents": {"get": {
                "summary": "Incidents: one event's documents from every channel, with coverage before/after the "
                           "response (department tokens: own department only)", "operationId": "listIncidents",
                "security": secured,
                "parameters": [{"name": "limit", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
                "responses": {"200": {"description": "incidents", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"incidents": {"type": "array", "items": {
                        "$ref": "#/components/schemas/Incident"}}}}}}},
                    "400": _ERROR, "401": _ERROR, "403": _ERROR, "429": _ERROR}}},
            "/api/v1/incidents/{incident_id}": {"get": {
                "summary": "One incident with its timeline and the signals that linked each document (scoped)",
                "operationId": "getIncident", "security": secured,
                "parameters": [{"name": "incident_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "incident", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Incident"}}}}, "401": _ERROR, "403": _ERROR, "404": _ERROR,
                    "429": _ERROR}}},
            "/api/v1/incidents/{incident_id}/split": _incident_decision("split", "document_id", secured),
            "/api/v1/incidents/{incident_id}/merge": _incident_decision("merge", "incident_id", secured),
            "/api/v1/documents/{document_id}/corrections": {
                "post": {
                    "summary": "Correct a document's analysis (department tokens: own department; admins any)",
                    "operationId": "correctDocument", "security": secured,
                    "parameters": [{"name": "document_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/CorrectionIn"}}}},
                    "responses": {"201": {"description": "corrected", "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/Corrections"}}}},
                        "200": {"description": "nothing changed (same values)", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Corrections"}}}},
                        "400": _ERROR, "401": _ERROR, "403": _ERROR, "404": _ERROR, "415": _ERROR, "422": _ERROR,
                        "429": _ERROR}},
                "get": {
                    "summary": "Corrections of a document's analysis, oldest first (scoped)",
                    "operationId": "listCorrections", "security": secured,
                    "parameters": [{"name": "document_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "corrections", "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/Corrections"}}}},
                        "401": _ERROR, "403": _ERROR, "404": _ERROR, "429": _ERROR}}},
            "/api/v1/kpis": {"get": {
                "summary": "Ticket KPIs (department tokens: own department)", "operationId": "kpis", "security": secured,
                "responses": {"200": {"description": "KPIs", "content": {"application/json": {"schema": {
                    "type": "object"}}}}, "401": _ERROR, "403": _ERROR, "429": _ERROR}}},
            **openapi_video.PATHS,
            **openapi_calls.PATHS,
        },
    }
