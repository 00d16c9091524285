"""The one error type users see: a single clear line and a non-zero exit code."""


class FormcheckError(Exception):
    """A user-facing problem (bad input, missing model, ...).

    The CLI prints ``str(error)`` as one line and exits with ``exit_code``;
    it never shows a traceback for these.
    """

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code
