class IdConverter:
    """A database id in a URL: 1 to 18 digits, so that no id overflows a 64-bit integer
    column (a longer one is simply not found)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
