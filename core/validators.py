from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

# Only web addresses: a "javascript:" or "data:" URL is refused with a clear
# message instead of being stored and rendered as a link.
web_url_validator = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address starting with http:// or https://."),
)
