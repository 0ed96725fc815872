"""Logging: one line per event, the source id first; JSON lines for machines."""

import json
import logging
import sys
from datetime import UTC, datetime

LOGGER_NAME = "feeds"


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        source = getattr(record, "source", None)
        prefix = f"{source}: " if source else ""
        line = f"{record.levelname.lower()}: {prefix}{record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "source": getattr(record, "source", None),
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        event.update(getattr(record, "fields", {}))
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False)


def configure(log_format: str = "text", level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logger = logging.getLogger(LOGGER_NAME)
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def get_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def log(level: int, source: str | None, message: str, **fields: object) -> None:
    """Log one event about `source` (None for the run as a whole)."""
    get_logger().log(level, message, extra={"source": source, "fields": fields})
