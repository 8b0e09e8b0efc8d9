"""A video page's media (a YouTube watch URL) → a local file, with yt-dlp used as a library.

Runs on the crawl runner's main thread, never on the reactor: yt-dlp blocks.  Best audio only (Whisper
needs nothing else), one video (no playlists), at most ``max_bytes``.
"""

from __future__ import annotations

from pathlib import Path

MAX_MEDIA_BYTES = 512 * 1024 * 1024


class MediaFetchError(RuntimeError):
    """yt-dlp could not fetch the media (unavailable, private, too large, not a video page)."""


def download_media(url: str, out_dir: Path, max_bytes: int = MAX_MEDIA_BYTES) -> Path:
    # Deferred: yt-dlp loads its hundreds of extractors only when a source asks for transcripts.
    import yt_dlp

    options = {"format": "bestaudio/best", "outtmpl": str(out_dir / "media.%(ext)s"), "quiet": True,
               "no_warnings": True, "noprogress": True, "noplaylist": True, "max_filesize": max_bytes,
               "socket_timeout": 30, "retries": 2}
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=True)
            path = Path(ydl.prepare_filename(info))
    except yt_dlp.utils.DownloadError as exc:
        raise MediaFetchError(str(exc)) from exc
    if not path.is_file():  # yt-dlp skips a file over max_filesize without raising
        raise MediaFetchError(f"no media downloaded from {url} (over {max_bytes} bytes or not a video)")
    return path
