"""Bulk import of members and departments from an Excel (.xlsx) or CSV sheet.

All or nothing: every row is checked first and every problem reported with its line number
and column; only a sheet without problems is written, in one transaction, through the same
services the forms use. CSV files saved by Excel on Chinese Windows are GBK-encoded, so both
UTF-8 and GB18030 are accepted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from cppcc_portal.core import audit

from . import services
from .choices import DepartmentKind, Gender, MemberRole, Party
from .models import Committee, Member, SpecialCommittee, Term, User

LIST_SPLIT = re.compile(r"[、,，;；/\s]+")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header written in templates
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int = 200


MEMBER_COLUMNS = [
    Column("name", "姓名", ("name", "委员姓名"), required=True, max_length=60),
    Column("phone", "手机号码", ("phone", "手机", "手机号", "mobile"), required=True, max_length=20),
    Column("sector", "界别", ("sector",), required=True, max_length=50),
    Column("gender", "性别", ("gender",), max_length=8),
    Column("ethnicity", "民族", ("ethnicity",), max_length=20),
    Column("birth_date", "出生日期", ("birth_date", "出生年月"), max_length=20),
    Column("role", "政协职务", ("role",), max_length=20),
    Column("party", "党派", ("party", "政治面貌"), max_length=20),
    Column("workplace", "工作单位", ("workplace", "单位"), max_length=120),
    Column("title", "职务职称", ("title", "职务", "职称"), max_length=120),
    Column("contact_point", "联系点", ("contact_point",), max_length=200),
    Column("special_committees", "专门委员会", ("special_committees", "专委会"), max_length=300),
    Column("email", "电子邮箱", ("email", "邮箱"), max_length=254),
    Column("username", "登录名", ("username",), max_length=150),
    Column("started_on", "任职日期", ("started_on",), max_length=20),
]

DEPARTMENT_COLUMNS = [
    Column("name", "单位名称", ("name", "名称", "承办单位"), required=True, max_length=100),
    Column("short_name", "简称", ("short_name",), max_length=40),
    Column("kind", "单位类型", ("kind", "类型"), max_length=20),
    Column("head_name", "负责人", ("head_name",), max_length=60),
    Column("phone", "联系电话", ("phone", "电话"), max_length=30),
    Column("email", "电子邮箱", ("email", "邮箱"), max_length=254),
    Column("address", "地址", ("address",), max_length=200),
    Column("liaison_name", "联络员姓名", ("liaison_name", "联络员"), max_length=60),
    Column("liaison_phone", "联络员手机", ("liaison_phone",), max_length=20),
    Column("liaison_title", "联络员职务", ("liaison_title",), max_length=60),
]


def _labels(choices) -> dict[str, str]:
    """Value lookup by value, by translated label and by the Chinese short form in labels
    such as "CDL (民盟)"."""
    table = {}
    for value, label in choices:
        table[str(value).lower()] = value
        label = str(label)
        table[label.lower()] = value
        match = re.search(r"[（(]([^)）]+)[)）]", label)
        if match:
            table[match.group(1)] = value
    return table


ROLE_LABELS = {**_labels(MemberRole.choices), "主席": MemberRole.CHAIRMAN, "副主席": MemberRole.VICE_CHAIRMAN,
               "秘书长": MemberRole.SECRETARY_GENERAL, "常委": MemberRole.STANDING, "常务委员": MemberRole.STANDING,
               "委员": MemberRole.MEMBER}
PARTY_LABELS = {**_labels(Party.choices), "中共": Party.CPC, "中国共产党": Party.CPC, "中共党员": Party.CPC,
                "民革": Party.RCCK, "民盟": Party.CDL, "民建": Party.CNDCA, "民进": Party.CAPD, "农工党": Party.CPWDP,
                "致公党": Party.CZGP, "九三学社": Party.JS, "台盟": Party.TDSL, "无党派": Party.NON_PARTY,
                "无党派人士": Party.NON_PARTY, "群众": Party.MASSES}
GENDER_LABELS = {**_labels(Gender.choices), "男": Gender.MALE, "女": Gender.FEMALE}
DEPARTMENT_KIND_LABELS = {**_labels(DepartmentKind.choices), "政府部门": DepartmentKind.GOVERNMENT,
                          "党委部门": DepartmentKind.PARTY, "法院": DepartmentKind.COURT,
                          "检察院": DepartmentKind.PROCURATORATE, "国有企业": DepartmentKind.ENTERPRISE,
                          "事业单位": DepartmentKind.PUBLIC_INSTITUTION, "人民团体": DepartmentKind.PEOPLES_ORGANISATION,
                          "其他": DepartmentKind.OTHER}


class SheetError(Exception):
    """The file as a whole cannot be read."""


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_rows(uploaded_file) -> Iterator[tuple[int, list[str]]]:
    name = (getattr(uploaded_file, "name", "") or "").lower()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise SheetError(_("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    raw = uploaded_file.read(settings.IMPORT_MAX_BYTES + 1)
    if len(raw) > settings.IMPORT_MAX_BYTES:
        raise SheetError(_("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    if not raw:
        raise SheetError(_("The file is empty."))
    if name.endswith(".xlsx"):
        if not raw.startswith(b"PK"):
            raise SheetError(_("The file is not a valid .xlsx workbook."))
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:
            raise SheetError(_("The file is not a valid .xlsx workbook.")) from exc
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in row]
        book.close()
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise SheetError(_("The CSV file must be encoded as UTF-8 or GBK."))
        if "\x00" in text:
            raise SheetError(_("The CSV file contains binary data."))
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            yield number, [_cell(v) for v in row]
    else:
        raise SheetError(_("Upload an Excel (.xlsx) or CSV (.csv) file."))


def _parse(uploaded_file, columns: list[Column], result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    """Rows as dicts keyed by column key; header and size problems go into ``result``."""
    try:
        rows = _read_rows(uploaded_file)
        header_line, header = next(((n, r) for n, r in rows if any(r)), (1, []))
        lookup = {}
        for col in columns:
            for alias in (col.header, col.key, *col.aliases):
                lookup[alias.lower()] = col
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            col = lookup.get(title.strip().lstrip("*").rstrip("*").strip().lower())
            if col is not None and col.key not in positions:
                positions[col.key] = index
        missing = [c.header for c in columns if c.required and c.key not in positions]
        if missing:
            result.errors.append(RowError(header_line, "", _("Missing required columns: %(cols)s.") % {"cols": "、".join(missing)}))
            return []
        parsed = []
        for number, row in rows:
            if not any(row):
                continue
            if len(parsed) >= settings.IMPORT_MAX_ROWS:
                result.errors.append(RowError(number, "", _("A sheet may have at most %(n)d rows.") % {"n": settings.IMPORT_MAX_ROWS}))
                return []
            values = {key: (row[pos] if pos < len(row) else "") for key, pos in positions.items()}
            for col in columns:
                value = values.get(col.key, "")
                if col.required and not value:
                    result.errors.append(RowError(number, col.header, _("This column is required.")))
                elif len(value) > col.max_length:
                    result.errors.append(RowError(number, col.header, _("At most %(n)d characters.") % {"n": col.max_length}))
            parsed.append((number, values))
        return parsed
    except SheetError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return []


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    text = value.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").replace("日", "")
    parts = [p for p in text.split("-") if p]  # "1980年3月" leaves a trailing separator
    if len(parts) == 2:
        parts.append("1")
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except (ValueError, IndexError):
        raise ValueError from None


def _choice(value: str, table: dict[str, str]) -> str | None:
    return table.get(value.strip().lower()) if value else ""


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(f, str(m)) for f, errs in exc.error_dict.items() for e in errs for m in e.messages]
    return [("", str(m)) for m in exc.messages]


def members_import(*, actor, committee: Committee, term: Term, uploaded_file) -> ImportResult:
    """Import members into ``committee`` for ``term``.

    Side effects (only when every row is valid): logins, Member rows and their audit entries,
    and one audit entry on the committee.
    """
    services.ensure_can_manage(actor, committee)
    result = ImportResult()
    if term.committee_id != committee.pk:
        result.errors.append(RowError(0, "", _("The term does not belong to this committee.")))
        return result
    rows = _parse(uploaded_file, MEMBER_COLUMNS, result)
    if not rows:
        if not result.errors:
            result.errors.append(RowError(0, "", _("The sheet has no data rows.")))
        return result

    header = {c.key: c.header for c in MEMBER_COLUMNS}
    sectors = {s.name: s for s in committee.sectors.all()}
    specials = {s.name: s for s in SpecialCommittee.objects.filter(committee=committee)}
    seated = set(Member.objects.filter(committee=committee, term=term).values_list("user__username", flat=True))
    existing_users = dict(User.objects.filter(
        username__in=[v.get("username") or v["phone"] for _, v in rows]).values_list("username", "full_name"))
    seen: dict[str, int] = {}
    prepared = []
    for line, v in rows:
        def bad(key: str, message: str, line=line) -> None:
            result.errors.append(RowError(line, header[key], message))

        phone = v["phone"].replace(" ", "").replace("-", "")
        if phone and not services.MOBILE_RE.match(phone):
            bad("phone", _("Enter an 11-digit mainland mobile number, e.g. 13800138000."))
        username = v.get("username") or phone
        if username in seen:
            bad("phone", _("The same login appears on line %(line)d.") % {"line": seen[username]})
        seen.setdefault(username, line)
        if username in seated:
            bad("phone", _("%(name)s already has a seat on this committee in this term.") % {"name": v["name"]})
        elif username in existing_users and existing_users[username] and existing_users[username] != v["name"]:
            bad("username", _("The user name %(u)s already belongs to %(n)s.") % {"u": username, "n": existing_users[username]})
        sector = sectors.get(v["sector"])
        if v["sector"] and sector is None:
            bad("sector", _("No sector named “%(name)s” in this committee.") % {"name": v["sector"]})
        fields = {}
        for key, table in (("role", ROLE_LABELS), ("party", PARTY_LABELS), ("gender", GENDER_LABELS)):
            value = _choice(v.get(key, ""), table)
            if value is None:
                bad(key, _("“%(value)s” is not a known value.") % {"value": v[key]})
            elif value:
                fields[key] = value
        for key in ("birth_date", "started_on"):
            try:
                day = _date(v.get(key, ""))
            except ValueError:
                bad(key, _("Enter a date such as 1975-06-01."))
            else:
                if day:
                    fields[key] = day
        names = [n for n in LIST_SPLIT.split(v.get("special_committees", "")) if n]
        unknown = [n for n in names if n not in specials]
        if unknown:
            bad("special_committees", _("No special committee named %(names)s.") % {"names": "、".join(unknown)})
        if v.get("email"):
            try:
                validate_email(v["email"])
            except ValidationError:
                bad("email", _("Enter a valid email address."))
        for key in ("ethnicity", "workplace", "title", "contact_point"):
            if v.get(key):
                fields[key] = v[key]
        prepared.append((line, dict(name=v["name"], phone=phone, username=v.get("username", ""),
                                    email=v.get("email", ""), sector=sector,
                                    special_committees=[specials[n] for n in names if n in specials], **fields)))
    if result.errors:
        return result
    return _write(actor, committee, prepared, result, "members.import",
                  lambda row: services.member_create(actor=actor, committee=committee, term=term, **row))


def departments_import(*, actor, committee: Committee, uploaded_file) -> ImportResult:
    """Import handling departments (and optionally one liaison officer each) into ``committee``.

    Side effects (only when every row is valid): Department rows, liaison logins and rows,
    their audit entries, and one audit entry on the committee.
    """
    services.ensure_can_manage(actor, committee)
    result = ImportResult()
    rows = _parse(uploaded_file, DEPARTMENT_COLUMNS, result)
    if not rows:
        if not result.errors:
            result.errors.append(RowError(0, "", _("The sheet has no data rows.")))
        return result
    header = {c.key: c.header for c in DEPARTMENT_COLUMNS}
    existing = set(committee.departments.values_list("name", flat=True))
    seen: dict[str, int] = {}
    prepared = []
    for line, v in rows:
        def bad(key: str, message: str, line=line) -> None:
            result.errors.append(RowError(line, header[key], message))

        if v["name"] in existing:
            bad("name", _("%(name)s already exists in this committee.") % {"name": v["name"]})
        if v["name"] in seen:
            bad("name", _("The same department appears on line %(line)d.") % {"line": seen[v["name"]]})
        seen.setdefault(v["name"], line)
        kind = _choice(v.get("kind", ""), DEPARTMENT_KIND_LABELS)
        if kind is None:
            bad("kind", _("“%(value)s” is not a known value.") % {"value": v["kind"]})
        if v.get("email"):
            try:
                validate_email(v["email"])
            except ValidationError:
                bad("email", _("Enter a valid email address."))
        liaison = None
        if v.get("liaison_name") or v.get("liaison_phone"):
            phone = v.get("liaison_phone", "").replace(" ", "").replace("-", "")
            if not v.get("liaison_name"):
                bad("liaison_name", _("Give the liaison officer's name with the phone number."))
            if not services.MOBILE_RE.match(phone):
                bad("liaison_phone", _("Enter an 11-digit mainland mobile number, e.g. 13800138000."))
            liaison = {"name": v.get("liaison_name", ""), "phone": phone, "title": v.get("liaison_title", "")}
        department = {k: v.get(k, "") for k in ("name", "short_name", "head_name", "phone", "email", "address")}
        if kind:
            department["kind"] = kind
        prepared.append((line, (department, liaison)))
    if result.errors:
        return result

    def create(row) -> None:
        department_fields, liaison = row
        department = services.department_create(actor=actor, committee=committee, **department_fields)
        if liaison:
            services.liaison_create(actor=actor, department=department, **liaison)

    return _write(actor, committee, prepared, result, "departments.import", create)


class _Rollback(Exception):
    pass


def _write(actor, committee, prepared, result: ImportResult, action: str, create) -> ImportResult:
    """Create every row in one transaction; the first failure rolls back all of them."""
    try:
        with transaction.atomic():
            for line, row in prepared:
                try:
                    create(row)
                except ValidationError as exc:
                    result.errors.extend(RowError(line, col, msg) for col, msg in _messages(exc))
                    raise _Rollback from exc
            result.created = len(prepared)
            audit.record(actor=actor, action=action, target=committee,
                         note=_("%(n)d rows imported.") % {"n": result.created})
    except _Rollback:
        result.created = 0
    return result


def _template(columns: list[Column], example: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append([("*" if c.required else "") + c.header for c in columns])
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(len(columns)):
        sheet.column_dimensions[chr(ord("A") + index)].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def member_template_xlsx() -> bytes:
    return _template(MEMBER_COLUMNS, ["张明华", "13837900001", "医药卫生界", "男", "汉族", "1972-05-16", "委员", "农工党",
                                      "濮阳市人民医院", "副院长、主任医师", "华龙区人民路街道委员联络站", "教科卫体委员会",
                                      "", "", ""])


def department_template_xlsx() -> bytes:
    return _template(DEPARTMENT_COLUMNS, ["濮阳市教育局", "市教育局", "政府部门", "王建国", "0393-4412345", "",
                                          "濮阳市华龙区开州路88号", "李红", "13939300001", "办公室副主任"])
