# Vietnamese formats as users write them: "ngày 08 tháng 9 năm 2023", "11.328", "48,2".
# The document rule for months 1–2 ("tháng 02") lives in dossiers.formatting.vn_date.
DATE_FORMAT = r"\n\gà\y d \t\há\n\g n \nă\m Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"H:i, \n\gà\y d \t\há\n\g n \nă\m Y"
YEAR_MONTH_FORMAT = r"\t\há\n\g n/Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
