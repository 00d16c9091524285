"""formcheck: watches a person exercise and says, like a physiotherapist, what to fix."""

import os

# FFmpeg inside OpenCV prints its own complaints about broken files; formcheck says
# what went wrong in one line instead. Set these yourself to see FFmpeg's view.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

__version__ = "0.1.0"
