"""The calendar's month in its URL: ``/agenda/2026/09/`` (four digits, two digits)."""

from django.urls import register_converter


class _Digits:
    length = 0

    @property
    def regex(self):
        return f"[0-9]{{{self.length}}}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):0{self.length}d}"


class YearConverter(_Digits):
    length = 4


class MonthConverter(_Digits):
    length = 2


def register():
    register_converter(YearConverter, "yyyy")
    register_converter(MonthConverter, "mm")
