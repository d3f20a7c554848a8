"""Writing member files the way people's spreadsheets do."""

from openpyxl import Workbook

HEADER = "Email,First name,Surname,Postcode,Date of birth,Practice code,Topics,Contact type"


def write_csv(path, lines, encoding="utf-8", header=HEADER):
    text = "\r\n".join([header, *lines]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return str(path)


def write_xlsx(path, rows, header=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER.split(","))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)
