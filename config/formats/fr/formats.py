# Canadian French, as the glossary asks: "11 mars 2026", "14 h 30", "1 367".
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j F Y, G \\h i"
TIME_FORMAT = "G \\h i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0
# The admin's short dates: "2026-11-30 14 h 30".
SHORT_DATETIME_FORMAT = "Y-m-d G \\h i"
