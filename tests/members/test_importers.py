"""Spreadsheet import of members and departments: every row checked first, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from cppcc_portal.core.models import AuditEntry
from members import importers
from members.models import Department, Liaison, Member, User

HEADER = ["姓名", "手机号码", "界别", "性别", "政协职务", "党派", "工作单位", "专门委员会", "出生日期"]
GOOD = [
    ["李新", "13811112222", "医药卫生界", "男", "常委", "民盟", "甲市人民医院", "提案委员会", "1975-06-01"],
    ["赵敏", "138 1111 3333", "医药卫生界", "女", "委员", "无党派人士", "甲市中医院", "", "1980年3月"],
]
PHONE_ERROR = "Enter an 11-digit mainland mobile number, e.g. 13800138000."


def csv_file(rows, name="members.csv", encoding="utf-8"):
    text = "\n".join(",".join(f'"{c}"' if "," in c or '"' in c else c for c in row) for row in rows)
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="members.xlsx", as_text=()):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in as_text:  # keep "=..." as a string cell, as a spreadsheet user typing '=… would
        sheet[ref].data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/vnd.openxmlformats-officedocument")


def run(world, upload, actor=None):
    return importers.members_import(actor=actor or world.alice, committee=world.a, term=world.term_a,
                                    uploaded_file=upload)


def errors(result):
    return [(e.line, e.column, e.message) for e in result.errors]


class TestMembersImport:
    def test_csv_happy_path_creates_every_member(self, world):
        result = run(world, csv_file([HEADER, *GOOD]))

        assert (result.ok, result.created, result.errors) == (True, 2, [])
        li = Member.objects.get(name="李新")
        assert (li.phone, li.gender, li.role, li.party, li.workplace, li.birth_date.isoformat(), li.user.username) == (
            "13811112222", "male", "standing", "cdl", "甲市人民医院", "1975-06-01", "13811112222")
        assert list(li.special_committees.all()) == [world.sc_a]
        zhao = Member.objects.get(name="赵敏")
        assert (zhao.phone, zhao.party, zhao.birth_date.isoformat()) == ("13811113333", "non_party", "1980-03-01")
        assert AuditEntry.objects.filter(action="members.import").values_list("note", flat=True).get() == (
            "2 rows imported.")

    def test_xlsx_happy_path(self, world):
        result = run(world, xlsx_file([HEADER, *GOOD]))

        assert (result.ok, result.created) == (True, 2)
        assert sorted(Member.objects.filter(committee=world.a).values_list("name", flat=True)) == ["李新", "王博", "赵敏"]

    def test_gbk_csv_from_chinese_excel_is_read(self, world):
        result = run(world, csv_file([HEADER, GOOD[0]], encoding="gb18030"))

        assert (result.ok, Member.objects.filter(name="李新").count()) == (True, 1)

    def test_headers_may_be_starred_or_english(self, world):
        result = run(world, csv_file([["*name", "*phone", "*sector"], ["李新", "13811112222", "医药卫生界"]]))

        assert (result.ok, result.created) == (True, 1)

    def test_one_bad_row_imports_nothing(self, world):
        rows = [HEADER, GOOD[0], ["赵敏", "1381111", "医药卫生界", "女", "委员", "", "", "", ""], GOOD[1][:1] + ["13811114444"] + GOOD[1][2:]]

        result = run(world, csv_file(rows))

        assert (result.ok, result.created) == (False, 0)
        assert errors(result) == [(3, "手机号码", PHONE_ERROR)]
        assert Member.objects.filter(committee=world.a).count() == 1
        assert User.objects.filter(username="13811112222").exists() is False

    def test_every_problem_is_reported_with_line_and_column(self, world):
        rows = [HEADER,
                ["", "13811112222", "医药卫生界", "男", "", "", "", "", ""],
                ["赵敏", "13811113333", "环境界", "未知", "主任", "", "", "不存在委员会", "1980-13-45"]]

        result = run(world, csv_file(rows))

        assert errors(result) == [
            (2, "姓名", "This column is required."),
            (3, "界别", "No sector named “环境界” in this committee."),
            (3, "政协职务", "“主任” is not a known value."),
            (3, "性别", "“未知” is not a known value."),
            (3, "出生日期", "Enter a date such as 1975-06-01."),
            (3, "专门委员会", "No special committee named 不存在委员会."),
        ]
        assert Member.objects.count() == 3

    def test_duplicate_phones_in_the_sheet_are_reported(self, world):
        rows = [HEADER, GOOD[0], ["李新", "138-1111-2222", "医药卫生界", "", "", "", "", "", ""]]

        result = run(world, csv_file(rows))

        assert errors(result) == [(3, "手机号码", "The same login appears on line 2.")]
        assert result.created == 0

    def test_member_already_seated_is_reported(self, world):
        rows = [HEADER[:3] + ["登录名"], ["王博", "13900000001", "医药卫生界", "bob"]]

        result = run(world, csv_file(rows))

        assert errors(result) == [(2, "手机号码", "王博 already has a seat on this committee in this term.")]

    def test_login_of_another_person_is_reported(self, world):
        rows = [HEADER[:3] + ["登录名"], ["李四", "13811112222", "经济界", "bob"]]

        result = importers.members_import(actor=world.root, committee=world.b, term=world.term_b,
                                          uploaded_file=csv_file(rows))

        assert errors(result) == [(2, "登录名", "The user name bob already belongs to 王博.")]

    def test_unknown_sector_is_reported(self, world):
        result = run(world, csv_file([HEADER[:3], ["李新", "13811112222", "经济界"]]))

        assert errors(result) == [(2, "界别", "No sector named “经济界” in this committee.")]

    def test_missing_required_column_is_reported_on_the_header_line(self, world):
        result = run(world, csv_file([["姓名", "手机号码"], ["李新", "13811112222"]]))

        assert errors(result) == [(1, "", "Missing required columns: 界别.")]

    def test_row_failing_in_the_service_rolls_back_earlier_rows(self, world):
        rows = [HEADER[:3] + ["登录名"], ["李新", "13811112222", "医药卫生界", ""],
                ["赵敏", "13811113333", "医药卫生界", "bad name!"]]

        result = run(world, csv_file(rows))

        assert (result.ok, result.created) == (False, 0)
        assert [(e.line, e.message) for e in result.errors] == [
            (3, "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.")]
        assert Member.objects.filter(name="李新").exists() is False
        assert AuditEntry.objects.filter(action="member.create").exists() is False

    @pytest.mark.parametrize(
        ("upload", "message"),
        [
            (SimpleUploadedFile("members.txt", b"name,phone"), "Upload an Excel (.xlsx) or CSV (.csv) file."),
            (SimpleUploadedFile("members.xlsx", b"not a zip file"), "The file is not a valid .xlsx workbook."),
            (SimpleUploadedFile("members.xlsx", b"PK\x03\x04broken"), "The file is not a valid .xlsx workbook."),
            (SimpleUploadedFile("members.csv", b""), "The file is empty."),
            (SimpleUploadedFile("members.csv", b"\xff\xfe\x00\x00\x81"), "The CSV file must be encoded as UTF-8 or GBK."),
            (SimpleUploadedFile("members.csv", "姓名,手机号码,界别\x00".encode()), "The CSV file contains binary data."),
        ],
    )
    def test_unreadable_file_is_reported(self, world, upload, message):
        result = run(world, upload)

        assert errors(result) == [(0, "", message)]

    def test_header_only_sheet_has_no_data_rows(self, world):
        result = run(world, csv_file([HEADER]))

        assert errors(result) == [(0, "", "The sheet has no data rows.")]

    def test_oversized_file_is_refused(self, world, settings):
        settings.IMPORT_MAX_BYTES = 1024 * 1024
        big = ("姓名,手机号码,界别\n" + "李新,13811112222,医药卫生界\n" * 40000).encode()
        assert len(big) > settings.IMPORT_MAX_BYTES

        result = run(world, SimpleUploadedFile("members.csv", big))

        assert errors(result) == [(0, "", "The file is larger than 1 MB.")]

    def test_too_many_rows_are_refused(self, world, settings):
        settings.IMPORT_MAX_ROWS = 2
        rows = [HEADER[:3]] + [[f"委员{n}", f"1381111{n:04d}", "医药卫生界"] for n in range(3)]

        result = run(world, csv_file(rows))

        assert errors(result) == [(4, "", "A sheet may have at most 2 rows.")]

    def test_oversized_cell_is_reported(self, world):
        result = run(world, csv_file([HEADER[:3] + ["工作单位"], ["李新", "13811112222", "医药卫生界", "单" * 121]]))

        assert errors(result) == [(2, "工作单位", "At most 120 characters.")]

    def test_formulas_and_html_in_cells_are_stored_as_text(self, world):
        formula = '=HYPERLINK("http://evil.example","点击")'
        rows = [HEADER[:3] + ["工作单位", "联系点"],
                ["<b>李新</b>", "13811112222", "医药卫生界", formula, "<script>alert(1)</script>"]]

        result = run(world, xlsx_file(rows, as_text=["D2"]))

        assert result.ok is True
        member = Member.objects.get(phone="13811112222")
        assert (member.name, member.workplace, member.contact_point) == (
            "<b>李新</b>", formula, "<script>alert(1)</script>")

    def test_csv_formula_is_kept_as_typed(self, world):
        result = run(world, csv_file([HEADER[:3] + ["工作单位"], ["李新", "13811112222", "医药卫生界", "=1+2"]]))

        assert (result.ok, Member.objects.get(name="李新").workplace) == (True, "=1+2")

    def test_term_of_another_committee_is_refused(self, world):
        result = importers.members_import(actor=world.root, committee=world.a, term=world.term_b,
                                          uploaded_file=csv_file([HEADER, GOOD[0]]))

        assert errors(result) == [(0, "", "The term does not belong to this committee.")]

    @pytest.mark.parametrize("role", ["lily", "bob", "carol", "dave", "eve"])
    def test_non_staff_may_not_import(self, world, role):
        with pytest.raises(PermissionDenied):
            run(world, csv_file([HEADER, GOOD[0]]), actor=getattr(world, role))

    def test_template_has_the_required_headers_marked(self):
        sheet = load_workbook(io.BytesIO(importers.member_template_xlsx())).active

        header = [c.value for c in sheet[1]]
        assert header[:3] == ["*姓名", "*手机号码", "*界别"]
        assert [c.value for c in sheet[2]][:3] == ["张明华", "13837900001", "医药卫生界"]


DEPT_HEADER = ["单位名称", "单位类型", "负责人", "联系电话", "联络员姓名", "联络员手机", "联络员职务"]


def run_departments(world, upload, actor=None):
    return importers.departments_import(actor=actor or world.alice, committee=world.a, uploaded_file=upload)


class TestDepartmentsImport:
    def test_happy_path_creates_departments_and_liaisons(self, world):
        rows = [DEPT_HEADER,
                ["甲市交通运输局", "政府部门", "王建国", "0393-4412345", "李红", "13939300001", "办公室副主任"],
                ["甲市人民法院", "法院", "", "", "", "", ""]]

        result = run_departments(world, csv_file(rows, name="departments.csv"))

        assert (result.ok, result.created) == (True, 2)
        court = Department.objects.get(name="甲市人民法院")
        assert court.kind == "court"
        liaison = Liaison.objects.get(department__name="甲市交通运输局")
        assert (liaison.user.full_name, liaison.phone, liaison.title) == ("李红", "13939300001", "办公室副主任")

    def test_existing_and_repeated_names_are_reported(self, world):
        rows = [DEPT_HEADER, ["甲市教育局", "", "", "", "", "", ""], ["甲市林业局", "", "", "", "", "", ""],
                ["甲市林业局", "", "", "", "", "", ""]]

        result = run_departments(world, csv_file(rows, name="departments.csv"))

        assert errors(result) == [(2, "单位名称", "甲市教育局 already exists in this committee."),
                                  (4, "单位名称", "The same department appears on line 3.")]
        assert Department.objects.filter(committee=world.a).count() == 2

    def test_liaison_needs_name_and_valid_mobile(self, world):
        rows = [DEPT_HEADER, ["甲市林业局", "政府部门", "", "", "", "13939300001", ""],
                ["甲市水利局", "乡镇", "", "", "李红", "0393-1", ""]]

        result = run_departments(world, xlsx_file(rows, name="departments.xlsx"))

        assert errors(result) == [
            (2, "联络员姓名", "Give the liaison officer's name with the phone number."),
            (3, "单位类型", "“乡镇” is not a known value."),
            (3, "联络员手机", PHONE_ERROR),
        ]
        assert Department.objects.filter(committee=world.a).count() == 2

    def test_non_staff_may_not_import(self, world):
        with pytest.raises(PermissionDenied):
            run_departments(world, csv_file([DEPT_HEADER], name="departments.csv"), actor=world.carol)
