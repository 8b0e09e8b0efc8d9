"""Video appeals: uploads, media validation, audio extraction, transcription jobs, privacy masking.

The pages and tus endpoints are in ``healthpulse.web.blueprints.video``; their templates, static
files and translations stay here, beside the area they belong to (``ASSETS``).
"""

from pathlib import Path

ASSETS = Path(__file__).resolve().parent
