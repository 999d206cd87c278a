"""A one-line progress bar, drawn only on a terminal."""

import time

WIDTH = 30


class Progress:
    """``[#####.....]  512/1367`` redrawn in place with a carriage return.

    Drawn only when ``stream`` is a terminal: piped or captured output
    stays a plain report. ``clear()`` wipes the bar before a report line is
    printed; the next ``advance()`` draws it again.
    """

    def __init__(self, stream, total, enabled=None):
        self.stream = stream
        self.total = max(total, 0)
        self.done = 0
        self.enabled = stream.isatty() if enabled is None else enabled
        self._shown = False
        self._last = 0.0

    def advance(self, step=1):
        self.done += step
        if not self.enabled:
            return
        now = time.monotonic()
        # A redraw per row would cost more than the row on a fast import.
        if self.done < self.total and now - self._last < 0.1:
            return
        self._last = now
        filled = WIDTH * self.done // self.total if self.total else WIDTH
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total}", ending="")
        self.stream.flush()
        self._shown = True

    def clear(self):
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * (WIDTH + 4 + 2 * len(str(self.total)) + 1) + "\r", ending="")
            self._shown = False
            self._last = 0.0

    def finish(self):
        if self.enabled and self._shown:
            self.stream.write("")
            self._shown = False
