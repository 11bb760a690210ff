"""Load a realistic demo organisation: a province, two cities and four counties of Henan with
their township work offices, terms and plenary sessions, sectors, special committees, 330
members, handling departments with liaison officers, member studios, and one login per role.

Every write goes through ``members.services`` (and the calendar service), so the demo data
passes the same validation and leaves the same audit trail as data entered by staff. All
values come from seeded random generators and fixed tables, and every object is looked up
before it is created, so a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cppcc_portal.core.models import CalendarDay
from cppcc_portal.core.services import calendar_seed_from_package
from members import services
from members.choices import CommitteeLevel, CommitteeRoleKind, DepartmentKind, Gender, MemberRole, Party, SectorKind
from members.models import (
    Committee,
    CommitteeRole,
    Department,
    Liaison,
    Member,
    Sector,
    SpecialCommittee,
    Studio,
    Term,
    User,
)

SEED = "cppcc-portal-demo"
PASSWORD = "demo12345"
EMAIL_DOMAIN = "example.org"
# Plenary sessions are generated up to this year; a fixed year keeps reruns identical.
LAST_SESSION_YEAR = 2026

# --- sectors ----------------------------------------------------------------------------------

DEMOCRATIC_PARTIES = {
    "民革": Party.RCCK,
    "民盟": Party.CDL,
    "民建": Party.CNDCA,
    "民进": Party.CAPD,
    "农工党": Party.CPWDP,
    "致公党": Party.CZGP,
    "九三学社": Party.JS,
    "台盟": Party.TDSL,
}
PEOPLES_ORGANISATIONS = ["共青团", "总工会", "妇联", "青联", "工商联", "科协", "台联", "侨联"]
FIELDS = [
    "经济界", "农业界", "教育界", "科学技术界", "文化艺术界", "医药卫生界", "体育界", "新闻出版界",
    "社会科学界", "对外友好界", "社会福利和社会保障界", "少数民族界", "宗教界", "环境资源界",
]
ALL_SECTORS = ["中国共产党", *DEMOCRATIC_PARTIES, "无党派人士", *PEOPLES_ORGANISATIONS, *FIELDS, "特邀人士"]


def sector_kind(name: str) -> str:
    if name == "中国共产党":
        return SectorKind.PARTY
    if name in DEMOCRATIC_PARTIES:
        return SectorKind.DEMOCRATIC_PARTY
    if name == "无党派人士":
        return SectorKind.NON_PARTY
    if name in PEOPLES_ORGANISATIONS:
        return SectorKind.PEOPLES_ORGANISATION
    if name == "特邀人士":
        return SectorKind.SPECIALLY_INVITED
    return SectorKind.FIELD


def sectors_without(*names: str) -> tuple[str, ...]:
    return tuple(s for s in ALL_SECTORS if s not in names)


COUNTY_SECTORS = (
    "中国共产党", "民盟", "民建", "民进", "农工党", "无党派人士", "共青团", "总工会", "妇联", "工商联", "科协",
    "经济界", "农业界", "教育界", "科学技术界", "文化艺术界", "医药卫生界", "社会福利和社会保障界", "宗教界", "特邀人士",
)

# How many seats a sector gets, relative to the others, once each has one.
SECTOR_WEIGHT = {
    SectorKind.PARTY: 9.0,
    SectorKind.DEMOCRATIC_PARTY: 1.4,
    SectorKind.NON_PARTY: 1.4,
    SectorKind.PEOPLES_ORGANISATION: 1.0,
    SectorKind.FIELD: 1.8,
    SectorKind.SPECIALLY_INVITED: 3.0,
}
BIG_FIELDS = {"经济界": 3.5, "农业界": 3.0, "教育界": 3.0, "医药卫生界": 3.0, "科学技术界": 2.4}

# --- special committees -----------------------------------------------------------------------

PROPOSALS_COMMITTEE = "提案委员会"
FULL_SPECIAL_COMMITTEES = (
    PROPOSALS_COMMITTEE, "经济委员会", "农业和农村委员会", "人口资源环境委员会", "教科卫体委员会",
    "社会和法制委员会", "民族宗教委员会", "港澳台侨和外事委员会", "文化文史和学习委员会",
)
COUNTY_SPECIAL_COMMITTEES = (PROPOSALS_COMMITTEE, "经济和农业农村委员会", "教科卫体委员会", "文化文史和学习委员会")

_ECONOMY = ("经济委员会", "经济和农业农村委员会")
_EDUCATION = ("教科卫体委员会",)
_SOCIETY = ("社会和法制委员会", "文化文史和学习委员会")
_CULTURE = ("文化文史和学习委员会",)
_ABROAD = ("港澳台侨和外事委员会", "经济和农业农村委员会")
# The special committee a member of a sector most likely joins (first one the committee has).
SECTOR_AFFINITY = {
    "经济界": _ECONOMY, "工商联": _ECONOMY, "民建": _ECONOMY,
    "农业界": ("农业和农村委员会", "经济和农业农村委员会"),
    "环境资源界": ("人口资源环境委员会", "经济和农业农村委员会"),
    "教育界": _EDUCATION, "医药卫生界": _EDUCATION, "体育界": _EDUCATION, "科学技术界": _EDUCATION,
    "科协": _EDUCATION, "九三学社": _EDUCATION, "农工党": _EDUCATION, "民进": _EDUCATION,
    "社会福利和社会保障界": _SOCIETY, "妇联": _SOCIETY, "总工会": _SOCIETY, "共青团": _SOCIETY,
    "青联": _SOCIETY, "民革": _SOCIETY,
    "少数民族界": ("民族宗教委员会", "文化文史和学习委员会"), "宗教界": ("民族宗教委员会", "文化文史和学习委员会"),
    "侨联": _ABROAD, "台联": _ABROAD, "致公党": _ABROAD, "台盟": _ABROAD, "对外友好界": _ABROAD,
    "文化艺术界": _CULTURE, "新闻出版界": _CULTURE, "社会科学界": _CULTURE, "民盟": _CULTURE,
}

# --- the committee tree -----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    short_name: str
    level: str
    parent: str | None
    area: str  # prefix of the area's bodies: 河南省, 濮阳市, 范县
    brand: str  # prefix of company names: 河南, 濮阳, 范县
    region_code: str = ""
    address: str = ""
    phone: str = ""
    area_code: str = ""
    district: str = ""  # where offices in the seat sit, e.g. 濮阳市华龙区
    roads: tuple[str, ...] = ()
    hall: str = ""
    members: int = 0
    terms: tuple[tuple[int, dt.date], ...] = ()  # (number, first session opens), oldest first
    vice_chairmen: int = 0
    ceased: int = 0
    sectors: tuple[str, ...] = ()
    special_committees: tuple[str, ...] = ()
    contact_points: tuple[str, ...] = ()
    townships: tuple[str, ...] = ()
    institutions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def party_committee(self) -> str:
        return f"中共{self.area}{'县委' if self.area.endswith('县') else '委'}"

    @property
    def chiefs(self) -> tuple[str, str]:
        return ("厅长", "副厅长") if self.level == CommitteeLevel.PROVINCIAL else ("局长", "副局长")

    def bureau(self, name: str) -> str:
        """A government department: 河南省财政厅, 濮阳市财政局, 范县财政局."""
        return f"{self.area}{name}{'厅' if self.level == CommitteeLevel.PROVINCIAL else '局'}"


D = dt.date

PLACES: list[Place] = [
    Place(
        key="henan", name="政协河南省委员会", short_name="河南省政协", level=CommitteeLevel.PROVINCIAL, parent=None,
        area="河南省", brand="河南", region_code="410000", address="郑州市金水区金水路16号",
        phone="0371-65902126", area_code="0371", district="郑州市金水区",
        roads=("金水路", "文化路", "花园路", "经三路", "农业路", "纬五路", "黄河路"), hall="河南人民会堂",
        members=90, terms=((12, D(2018, 1, 25)), (13, D(2023, 1, 12))), vice_chairmen=8, ceased=3,
        sectors=tuple(ALL_SECTORS), special_committees=FULL_SPECIAL_COMMITTEES,
        contact_points=(
            "郑州市金水区文化路街道委员联络站", "郑州市二七区建中街街道委员联络站", "郑州市中原区林山寨街道委员联络站",
            "开封市龙亭区北书店街道委员联络站", "洛阳市西工区王城路街道委员联络站", "新乡市红旗区渠东街道委员联络站",
            "南阳市宛城区东关街道委员联络站", "濮阳市华龙区胜利路街道委员联络站", "安阳市文峰区东关街道委员联络站",
        ),
        townships=("郑州市金水区", "开封市祥符区", "周口市商水县", "驻马店市西平县", "南阳市邓州市", "信阳市固始县"),
        institutions={
            "hospitals": ("河南省人民医院", "郑州大学第一附属医院", "河南省中医院", "河南省肿瘤医院", "河南省儿童医院"),
            "colleges": ("郑州大学", "河南大学", "河南农业大学", "河南师范大学", "河南理工大学", "华北水利水电大学",
                         "河南工业大学", "河南财经政法大学"),
            "schools": ("河南省实验中学", "郑州外国语学校", "郑州市第一中学", "河南大学附属中学"),
            "media": ("河南日报社", "河南广播电视台", "大象出版社", "河南文艺出版社"),
            "culture": ("河南博物院", "河南省豫剧院", "河南省书法家协会", "河南省美术家协会", "河南省作家协会"),
            "research": ("河南省科学院", "河南省农业科学院", "河南省地质研究院", "河南省化工研究所"),
            "socsci": ("河南省社会科学院", "中共河南省委党校", "河南省社会科学界联合会"),
            "sports": ("河南省体育运动学校", "河南省体育科学研究所", "河南省体育局"),
        },
    ),
    Place(
        key="puyang", name="政协濮阳市委员会", short_name="濮阳市政协", level=CommitteeLevel.MUNICIPAL, parent="henan",
        area="濮阳市", brand="濮阳", region_code="410900", address="濮阳市华龙区开州路与人民路交叉口",
        phone="0393-4412345", area_code="0393", district="濮阳市华龙区",
        roads=("人民路", "胜利路", "中原路", "黄河路", "京开大道", "开州路", "大庆路", "长庆路", "建设路", "任丘路"),
        hall="濮阳市人民会堂", members=60, terms=((9, D(2017, 1, 9)), (10, D(2022, 1, 10))), vice_chairmen=6, ceased=2,
        sectors=sectors_without("台盟", "致公党", "台联", "对外友好界"), special_committees=FULL_SPECIAL_COMMITTEES,
        contact_points=(
            "华龙区胜利路街道委员联络站", "华龙区人民路街道委员联络站", "华龙区中原路街道委员联络站",
            "华龙区昆吾街道委员联络站", "华龙区孟轲乡委员联络站", "开发区王助镇委员联络站", "示范区濮东街道委员联络站",
        ),
        townships=("华龙区岳村镇", "华龙区孟轲乡", "开发区王助镇", "清丰县马庄桥镇", "范县龙王庄镇", "南乐县城关镇"),
        institutions={
            "hospitals": ("濮阳市人民医院", "濮阳油田总医院", "濮阳市中医医院", "濮阳市妇幼保健院", "濮阳市第三人民医院"),
            "colleges": ("濮阳职业技术学院", "河南大学濮阳工学院", "濮阳医学高等专科学校"),
            "schools": ("濮阳市第一高级中学", "濮阳油田第一高级中学", "濮阳市实验小学", "濮阳市第三中学"),
            "media": ("濮阳日报社", "濮阳广播电视台"),
            "culture": ("濮阳市杂技艺术团", "濮阳市文化馆", "濮阳市豫剧团", "濮阳市书法家协会", "濮阳市博物馆"),
            "research": ("濮阳市农业科学院", "中原油田勘探开发研究院", "濮阳市生产力促进中心"),
            "socsci": ("中共濮阳市委党校", "濮阳市社会科学界联合会"),
            "sports": ("濮阳市体育运动学校", "濮阳市体育中心"),
        },
    ),
    Place(
        key="anyang", name="政协安阳市委员会", short_name="安阳市政协", level=CommitteeLevel.MUNICIPAL, parent="henan",
        area="安阳市", brand="安阳", region_code="410500", address="安阳市文峰区中华路南段",
        phone="0372-5112345", area_code="0372", district="安阳市文峰区",
        roads=("中华路", "文峰大道", "人民大道", "红旗路", "解放大道", "德隆街", "光明路", "灯塔路"),
        hall="安阳市人民会堂", members=60, terms=((14, D(2017, 1, 12)), (15, D(2022, 1, 12))), vice_chairmen=6, ceased=2,
        sectors=sectors_without("台盟", "对外友好界", "环境资源界"), special_committees=FULL_SPECIAL_COMMITTEES,
        contact_points=(
            "文峰区东关街道委员联络站", "文峰区西关街道委员联络站", "文峰区光华路街道委员联络站",
            "北关区红旗路街道委员联络站", "北关区灯塔路街道委员联络站", "殷都区梅园庄街道委员联络站",
            "龙安区文昌大道街道委员联络站",
        ),
        townships=("龙安区马家乡", "殷都区水冶镇", "汤阴县宜沟镇", "内黄县二安镇", "滑县道口镇", "安阳县白璧镇"),
        institutions={
            "hospitals": ("安阳市人民医院", "安阳地区医院", "安阳市中医院", "安阳市肿瘤医院", "安阳市妇幼保健院"),
            "colleges": ("安阳师范学院", "安阳工学院", "安阳职业技术学院", "安阳学院"),
            "schools": ("安阳市第一中学", "安阳市实验中学", "安阳市第二实验小学"),
            "media": ("安阳日报社", "安阳广播电视台"),
            "culture": ("殷墟博物馆", "安阳市文物考古研究所", "中国文字博物馆", "安阳市豫剧院", "安阳市书法家协会"),
            "research": ("安阳市农业科学院", "安阳钢铁集团技术中心"),
            "socsci": ("中共安阳市委党校", "安阳市社会科学界联合会"),
            "sports": ("安阳航空运动学校", "安阳市体育运动学校"),
        },
    ),
]


def _county(key: str, name: str, parent: str, region_code: str, area_code: str, terms, townships, offices,
            institutions, sectors=COUNTY_SECTORS, members: int = 30) -> Place:
    area = name
    return Place(
        key=key, name=f"政协{name}委员会", short_name=f"{name}政协", level=CommitteeLevel.COUNTY, parent=parent,
        area=area, brand=name, region_code=region_code, address=f"{name}人民路与政府街交叉口",
        phone=f"{area_code}-{7 if area_code == '0393' else 6}{region_code[-3:]}888", area_code=area_code,
        district=name, roads=("人民路", "文化路", "建设路", "新华路", "育才路", "迎宾大道"), hall=f"{name}人民会堂",
        members=members, terms=terms, vice_chairmen=4, ceased=1, sectors=sectors,
        special_committees=COUNTY_SPECIAL_COMMITTEES,
        contact_points=tuple(f"{t}委员联络站" for t in townships), townships=townships,
        institutions={**institutions, "offices": offices},
    )


COUNTIES: list[Place] = [
    _county(
        "fanxian", "范县", "puyang", "410926", "0393", ((10, D(2017, 2, 20)), (11, D(2022, 2, 21))),
        ("城关镇", "濮城镇", "龙王庄镇", "王楼镇", "辛庄镇", "杨集乡", "陈庄镇"), ("城关镇", "濮城镇", "龙王庄镇"),
        {"hospitals": ("范县人民医院", "范县中医院", "范县妇幼保健院", "范县濮城镇卫生院"),
         "colleges": ("范县职业教育中心",), "schools": ("范县第一中学", "范县实验中学", "范县城关镇第一小学"),
         "media": ("范县融媒体中心",), "culture": ("范县文化馆", "范县豫剧团", "范县书法家协会"),
         "research": ("范县农业技术推广中心",), "socsci": ("中共范县县委党校",), "sports": ("范县体育中心",)},
        members=31,
    ),
    _county(
        "qingfeng", "清丰县", "puyang", "410922", "0393", ((10, D(2017, 2, 22)), (11, D(2022, 2, 23))),
        ("城关镇", "马庄桥镇", "瓦屋头镇", "仙庄镇", "柳格镇", "韩村镇", "六塔乡"), ("城关镇", "马庄桥镇"),
        {"hospitals": ("清丰县人民医院", "清丰县中医院", "清丰县妇幼保健院", "清丰县马庄桥镇卫生院"),
         "colleges": ("清丰县职业教育中心",), "schools": ("清丰县第一高级中学", "清丰县实验小学"),
         "media": ("清丰县融媒体中心",), "culture": ("清丰县文化馆", "清丰县孝文化研究会", "清丰县美术家协会"),
         "research": ("清丰县农业技术推广中心",), "socsci": ("中共清丰县委党校",), "sports": ("清丰县体育中心",)},
        sectors=tuple(s for s in COUNTY_SECTORS if s != "民进") + ("九三学社",), members=29,
    ),
    _county(
        "linzhou", "林州市", "anyang", "410581", "0372", ((13, D(2017, 2, 15)), (14, D(2022, 2, 16))),
        ("开元街道", "振林街道", "龙山街道", "桂园街道", "姚村镇", "任村镇", "合涧镇", "临淇镇"),
        ("开元街道", "姚村镇", "任村镇"),
        {"hospitals": ("林州市人民医院", "林州市中医院", "林州市肿瘤医院", "林州市姚村镇卫生院"),
         "colleges": ("林州建筑职业技术学院",), "schools": ("林州市第一中学", "林州市第一实验小学"),
         "media": ("林州市融媒体中心",), "culture": ("红旗渠纪念馆", "林州市文化馆", "林州市太行书画院"),
         "research": ("林州市农业技术推广中心",), "socsci": ("中共林州市委党校",), "sports": ("林州市体育中心",)},
        sectors=COUNTY_SECTORS + ("民革",), members=35,
    ),
    _county(
        "tangyin", "汤阴县", "anyang", "410523", "0372", ((10, D(2017, 2, 27)), (11, D(2022, 2, 28))),
        ("城关镇", "菜园镇", "宜沟镇", "白营镇", "任固镇", "五陵镇", "伏道镇"), ("城关镇", "宜沟镇"),
        {"hospitals": ("汤阴县人民医院", "汤阴县中医院", "汤阴县妇幼保健院", "汤阴县宜沟镇卫生院"),
         "colleges": ("汤阴县职业技术教育中心",), "schools": ("汤阴县第一中学", "汤阴县实验小学"),
         "media": ("汤阴县融媒体中心",), "culture": ("汤阴县岳飞纪念馆", "汤阴县羑里城文物管理所", "汤阴县文化馆"),
         "research": ("汤阴县农业技术推广中心",), "socsci": ("中共汤阴县委党校",), "sports": ("汤阴县体育中心",)},
        sectors=tuple(s for s in COUNTY_SECTORS if s not in ("民进", "宗教界")), members=25,
    ),
]
PLACES += COUNTIES
PLACE = {p.key: p for p in PLACES}

# --- handling departments ------------------------------------------------------------------------

G, CRT, PRO, ENT, PUB, ORG = (
    DepartmentKind.GOVERNMENT, DepartmentKind.COURT, DepartmentKind.PROCURATORATE, DepartmentKind.ENTERPRISE,
    DepartmentKind.PUBLIC_INSTITUTION, DepartmentKind.PEOPLES_ORGANISATION,
)
# (committee, name, short name, kind)
DEPARTMENTS: list[tuple[str, str, str, str]] = [
    ("henan", "河南省教育厅", "省教育厅", G),
    ("henan", "河南省住房和城乡建设厅", "省住房和城乡建设厅", G),
    ("henan", "河南省卫生健康委员会", "省卫生健康委", G),
    ("henan", "河南省农业农村厅", "省农业农村厅", G),
    ("henan", "河南省生态环境厅", "省生态环境厅", G),
    ("puyang", "濮阳市教育局", "市教育局", G),
    ("puyang", "濮阳市住房和城乡建设局", "市住房和城乡建设局", G),
    ("puyang", "濮阳市交通运输局", "市交通运输局", G),
    ("puyang", "濮阳市卫生健康委员会", "市卫生健康委", G),
    ("puyang", "濮阳市生态环境局", "市生态环境局", G),
    ("puyang", "濮阳市自然资源和规划局", "市自然资源和规划局", G),
    ("puyang", "濮阳市农业农村局", "市农业农村局", G),
    ("puyang", "濮阳市人力资源和社会保障局", "市人力资源和社会保障局", G),
    ("puyang", "濮阳市民政局", "市民政局", G),
    ("puyang", "濮阳市文化广电和旅游局", "市文化广电和旅游局", G),
    ("puyang", "濮阳市市场监督管理局", "市市场监督管理局", G),
    ("puyang", "濮阳市公安局", "市公安局", G),
    ("puyang", "濮阳市城市管理局", "市城市管理局", G),
    ("puyang", "濮阳市水利局", "市水利局", G),
    ("puyang", "濮阳市中级人民法院", "市中级人民法院", CRT),
    ("puyang", "濮阳市人民检察院", "市人民检察院", PRO),
    ("puyang", "国网濮阳供电公司", "濮阳供电公司", ENT),
    ("puyang", "濮阳市住房公积金管理中心", "市住房公积金中心", PUB),
    ("puyang", "濮阳市残疾人联合会", "市残联", ORG),
    ("anyang", "安阳市教育局", "市教育局", G),
    ("anyang", "安阳市住房和城乡建设局", "市住房和城乡建设局", G),
    ("anyang", "安阳市交通运输局", "市交通运输局", G),
    ("anyang", "安阳市卫生健康委员会", "市卫生健康委", G),
    ("anyang", "安阳市生态环境局", "市生态环境局", G),
    ("anyang", "安阳市文物局", "市文物局", G),
    ("anyang", "国网安阳供电公司", "安阳供电公司", ENT),
    ("fanxian", "范县教育局", "县教育局", G),
    ("fanxian", "范县农业农村局", "县农业农村局", G),
    ("fanxian", "范县住房和城乡建设局", "县住房和城乡建设局", G),
    ("qingfeng", "清丰县教育局", "县教育局", G),
    ("qingfeng", "清丰县卫生健康委员会", "县卫生健康委", G),
    ("linzhou", "林州市文化广电和旅游局", "市文化广电和旅游局", G),
    ("linzhou", "林州市水利局", "市水利局", G),
    ("tangyin", "汤阴县农业农村局", "县农业农村局", G),
    ("tangyin", "汤阴县交通运输局", "县交通运输局", G),
]
# The first liaison of a department is a section head, the second a deputy or clerk.
LIAISON_TITLES = ("办公室主任", "办公室副主任", "综合科科长", "办公室一级科员", "政策法规科科长", "建议提案办理专干")

# --- the demo logins -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    sees: str
    full_name: str = ""
    committee: str = ""
    grant: str = ""
    includes_subordinates: bool = False


LOGINS = [
    Login("admin", "superuser", "everything; the Django admin at /admin/", full_name="系统管理员"),
    Login("staff", "committee staff (濮阳市政协)",
          "the directory and items of 濮阳市政协 and the committees below it (范县, 清丰县, their work offices)",
          full_name="赵静", committee="puyang", grant=CommitteeRoleKind.STAFF, includes_subordinates=True),
    Login("county_staff", "committee staff (范县政协)", "范县政协 and its township work offices",
          full_name="孙丽萍", committee="fanxian", grant=CommitteeRoleKind.STAFF, includes_subordinates=True),
    Login("leader", "leader (濮阳市政协)", "濮阳市政协: dashboards, key proposals, instructions; read-only directory",
          full_name="李卫东", committee="puyang", grant=CommitteeRoleKind.LEADER),
    Login("member", "member 杨明明 (濮阳市政协, 医药卫生界)",
          "her own duty record, the 濮阳市政协 roster, her studio 杨明明委员工作室"),
    Login("liaison", "liaison officer 马骏 (濮阳市住房和城乡建设局)", "items assigned to 濮阳市住房和城乡建设局"),
    Login("liaison2", "liaison officer 陈晓燕 (濮阳市教育局)", "items assigned to 濮阳市教育局"),
]
# Department → (liaison name, username) of the demo liaison logins.
DEMO_LIAISONS = {"濮阳市住房和城乡建设局": ("马骏", "liaison"), "濮阳市教育局": ("陈晓燕", "liaison2")}
DEMO_MEMBER = {
    "committee": "puyang", "sector": "医药卫生界", "name": "杨明明", "gender": Gender.FEMALE, "ethnicity": "汉族",
    "birth_date": D(1976, 5, 18), "role": MemberRole.STANDING, "party": Party.CPWDP, "workplace": "濮阳市妇幼保健院",
    "title": "副院长、主任医师", "contact_point": "华龙区胜利路街道委员联络站",
    "special_committees": ["教科卫体委员会", PROPOSALS_COMMITTEE], "username": "member",
}

# --- member studios --------------------------------------------------------------------------------

# A studio is named after its sector, or after its lead member (the first active member of
# ``lead_sector``); ``fill`` names the sectors its other members come from.
STUDIOS = [
    {"committee": "puyang", "name": "农工党界别委员工作室", "sector": "农工党", "fill": ("医药卫生界",),
         "address": "濮阳市华龙区胜利路街道社区服务中心二楼",
         "description": "由农工党界别委员组成，每月第二个周六在社区服务中心坐诊接访，聚焦基层医疗、慢病管理和老年健康服务，"
                     "收集群众诉求并转化为微建议和提案。"},
    {"committee": "puyang", "name": "医药卫生界委员工作室", "sector": "医药卫生界", "fill": ("农工党", "九三学社"),
         "address": "濮阳市人民医院门诊楼一楼委员接待室",
         "description": "医药卫生界委员轮流值班，围绕分级诊疗、医保报销和基层卫生院建设听取群众意见，每季度集中会商一次办理进展。"},
    {"committee": "puyang", "lead": "杨明明", "fill": ("医药卫生界", "妇联"), "address": "濮阳市华龙区胜利路街道委员联络站",
         "description": "以杨明明委员名字命名，关注妇女儿童健康和社区托育服务，线上线下同步受理群众反映的问题，"
                     "推动社区儿童阅览室、母婴室等微实事落地。"},
    {"committee": "puyang", "name": "工商联界别委员工作室", "sector": "工商联", "fill": ("经济界", "民建"),
         "address": "濮阳市华龙区开州路濮阳市工商联三楼",
         "description": "服务民营企业发展，定期走访企业，收集融资、用工、营商环境等方面的问题，协调有关部门推动解决。"},
    {"committee": "anyang", "name": "民盟界别委员工作室", "sector": "民盟", "fill": ("教育界",),
         "address": "安阳市文峰区光华路街道社区党群服务中心",
         "description": "民盟界别委员聚焦教育公平和文化传承，开展“委员进社区”活动，倾听群众对义务教育、课后服务的意见建议。"},
    {"committee": "anyang", "lead_sector": "农业界", "fill": ("农业界", "科学技术界"), "address": "安阳市龙安区马家乡委员联络站",
         "description": "扎根乡村，围绕高标准农田、农技服务和农产品销路开展调研，把田间地头的问题带进协商议政。"},
    {"committee": "henan", "name": "教育界委员工作室", "sector": "教育界", "fill": ("民盟", "民进"),
         "address": "郑州市金水区文化路街道委员联络站",
         "description": "教育界委员围绕职业教育、乡村教师队伍和“双减”落实开展调研视察，形成提案和社情民意信息。"},
    {"committee": "henan", "lead_sector": "民建", "fill": ("民建", "经济界", "工商联"), "address": "郑州市金水区花园路街道委员联络站",
         "description": "以委员个人名字命名，聚焦中小微企业发展和优化营商环境，每月开展一次“委员接待日”。"},
    {"committee": "fanxian", "name": "农业界委员工作室", "sector": "农业界", "fill": ("经济界", "科学技术界"),
         "address": "范县城关镇人民政府院内",
         "description": "立足黄河滩区，关注迁建社区产业发展、农田水利和农民增收，协商解决群众急难愁盼问题。"},
    {"committee": "linzhou", "lead_sector": "文化艺术界", "fill": ("文化艺术界", "教育界"), "address": "林州市开元街道委员联络站",
         "description": "传承红旗渠精神，围绕文旅融合和太行山区乡村振兴建言资政，组织委员定期接待群众。"},
]

# --- names -----------------------------------------------------------------------------------------

SURNAMES = (
    "王" * 12 + "李" * 11 + "张" * 11 + "刘" * 9 + "陈" * 6 + "杨" * 6 + "赵" * 5 + "黄" * 3 + "周" * 3 + "吴" * 3
    + "徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭"
    + "廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文牛翟申"
)
MALE_SINGLE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁峰亮浩宇晨俊凯振新庆兴德"
MALE_FIRST = "建志国文海振卫新永德明俊宏晓春东红立保长云学"
MALE_SECOND = "华伟强军民平辉刚林峰涛斌杰明亮东勇波宇龙成"
FEMALE_SINGLE = "芳娜敏静丽艳娟霞燕玲萍红梅琳丹洁颖慧雪倩婷晶莉璐欣悦楠蕾琴"
FEMALE_FIRST = "晓丽秀玉春海雅淑美红雪静慧婉佳艳"
FEMALE_SECOND = "芳娟红梅霞燕丽敏琴静玲萍洁华英兰"
HUI_SURNAMES = "马白丁沙海哈穆"
MANCHU_SURNAMES = "关佟那金赵"
MONGOL_SURNAMES = "包宝韩云"
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
                   "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189")

BRANDS = ("华龙", "中原", "龙都", "昌盛", "宏达", "恒通", "瑞丰", "金穗", "天润", "鑫源", "绿源", "泰和", "盛源", "兴华",
          "永安", "惠民", "丰泽", "嘉禾", "博远", "正阳", "德信", "同心", "豫丰", "建元")
INDUSTRIES = ("化工有限公司", "新材料科技有限公司", "建设工程有限公司", "食品有限公司", "电子科技有限公司", "物流有限公司",
              "农牧发展有限公司", "医药有限公司", "纺织服饰有限公司", "置业有限公司", "商贸有限公司", "机械制造有限公司",
              "实业集团有限公司", "新能源科技有限公司")
COOPERATIVES = ("绿丰蔬菜种植", "金穗小麦种植", "丰源花生种植", "鑫旺食用菌种植", "百草中药材种植", "田园葡萄种植",
                "兴农农机服务", "福牛肉牛养殖", "众鑫红薯种植", "果香林果种植")

CEASE_REASONS = ("因工作调动，辞去委员职务。", "因个人原因辞去委员职务，经常委会会议同意。", "调离本行政区域，委员资格终止。")

# --- jobs: (workplace, title) by what a member does ---------------------------------------------------


def _pick(rng: random.Random, options) -> str:
    return rng.choice(tuple(options))


def _company(rng: random.Random, p: Place) -> str:
    return f"{p.brand}{_pick(rng, BRANDS)}{_pick(rng, INDUSTRIES)}"


def _job(rng: random.Random, p: Place, category: str, sector: str) -> tuple[str, str, dict]:
    """A workplace and title fitting ``category``; the dict may override ethnicity or party."""
    inst = p.institutions
    if category == "official":
        options = [
            (f"{p.party_committee}统战部", ("部长", "常务副部长", "副部长")),
            (f"{p.area}发展和改革委员会", ("主任", "副主任")),
            (p.bureau("财政"), p.chiefs),
            (p.bureau("民政"), ("党组书记", *p.chiefs)),
            (p.bureau("科学技术"), ("党组书记", *p.chiefs)),
            (f"{p.area}人民代表大会常务委员会", ("副主任", "秘书长")),
            (f"{p.party_committee}政策研究室", ("主任", "副主任")),
        ]
        if p.level == CommitteeLevel.COUNTY:
            options.append((f"中共{p.area}{_pick(rng, p.townships)}委员会", ("书记",)))
        elif p.level == CommitteeLevel.MUNICIPAL:
            options.append((f"中共{p.district.removeprefix(p.area)}委员会", ("书记", "副书记")))
        workplace, titles = rng.choice(options)
        return workplace, _pick(rng, titles), {}
    if category == "org":
        if sector in DEMOCRATIC_PARTIES:
            if p.level == CommitteeLevel.COUNTY:
                return f"{sector}{p.area}总支部", _pick(rng, ("主委", "副主委")), {}
            return f"{sector}{p.area}委", _pick(rng, ("主委", "副主委", "秘书长", "专职副主委")), {}
        bodies = {
            "共青团": (f"共青团{p.area}委员会", ("书记", "副书记")),
            "总工会": (f"{p.area}总工会", ("副主席", "经费审查委员会主任")),
            "妇联": (f"{p.area}妇女联合会", ("主席", "副主席")),
            "青联": (f"{p.area}青年联合会", ("副主席", "常委")),
            "工商联": (f"{p.area}工商业联合会", ("主席", "副主席")),
            "科协": (f"{p.area}科学技术协会", ("主席", "副主席")),
            "台联": (f"{p.area}台湾同胞联谊会", ("会长", "副会长")),
            "侨联": (f"{p.area}归国华侨联合会", ("主席", "副主席")),
        }
        workplace, titles = bodies[sector]
        return workplace, _pick(rng, titles), {}
    if category == "hospital":
        workplace = _pick(rng, inst["hospitals"])
        if workplace.endswith("卫生院"):
            return workplace, _pick(rng, ("院长", "副院长", "主治医师")), {}
        return workplace, _pick(rng, ("院长", "副院长", "主任医师", "副主任医师", "心血管内科主任", "儿科主任", "普外科主任",
                                      "护理部主任", "中医科主任", "肿瘤科主任", "急诊科主任")), {}
    if category == "college":
        workplace = _pick(rng, inst["colleges"])
        if "大学" in workplace or "学院" in workplace:
            return workplace, _pick(rng, ("教授", "副教授", "副校长", "文学院院长", "化学化工学院院长", "马克思主义学院副院长",
                                          "经济管理学院教授", "研究员")), {}
        return workplace, _pick(rng, ("校长", "副校长", "高级讲师")), {}
    if category == "school":
        return _pick(rng, inst["schools"]), _pick(rng, ("校长", "副校长", "党委书记、校长", "正高级教师", "高级教师", "教务处主任")), {}
    if category == "enterprise":
        return _company(rng, p), _pick(rng, ("董事长", "总经理", "董事长、总经理", "副总经理", "党委书记、董事长", "总工程师",
                                             "执行董事")), {}
    if category == "worker":
        return _company(rng, p), _pick(rng, ("高级技师", "车间主任", "工会主席", "首席技师", "班组长、高级技师")), {}
    if category == "bank":
        branch = {CommitteeLevel.PROVINCIAL: "河南省分行", CommitteeLevel.MUNICIPAL: f"{p.brand}分行"}.get(p.level, f"{p.brand}支行")
        bank = _pick(rng, ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "中国邮政储蓄银行"))
        return f"{bank}{branch}", _pick(rng, ("行长", "副行长", "党委书记、行长")), {}
    if category == "agri":
        place = _pick(rng, p.townships)
        if p.level == CommitteeLevel.COUNTY:
            place = p.area + place
        options = [
            (f"{place}{_pick(rng, COOPERATIVES)}专业合作社", ("理事长",)),
            (f"{place}{_pick(rng, BRANDS)}家庭农场", ("场主",)),
            (f"{p.brand}{_pick(rng, BRANDS)}农牧发展有限公司", ("董事长", "总经理")),
            (_pick(rng, [r for r in inst["research"] if "农" in r]), ("高级农艺师", "研究员")),
        ]
        workplace, titles = rng.choice(options)
        return workplace, _pick(rng, titles), {}
    if category == "culture":
        workplace = _pick(rng, inst["culture"])
        if any(k in workplace for k in ("博物", "纪念馆", "文物", "考古")):
            titles = ("馆长", "副馆长", "研究馆员") if "所" not in workplace else ("所长", "研究员")
        elif "书画院" in workplace or "剧院" in workplace:
            titles = ("院长", "副院长", "国家一级美术师" if "书画院" in workplace else "国家一级演员")
        elif "研究会" in workplace:
            titles = ("会长", "副会长")
        elif "协会" in workplace:
            titles = ("主席", "副主席")
        elif "剧" in workplace or "团" in workplace:
            titles = ("团长", "国家一级演员", "副团长")
        else:
            titles = ("馆长", "副馆长")
        return workplace, _pick(rng, titles), {}
    if category == "media":
        workplace = _pick(rng, inst["media"])
        titles = {"日报社": ("总编辑", "副总编辑", "首席记者"), "广播电视台": ("台长", "副台长", "主持人"),
                  "出版社": ("社长", "总编辑"), "融媒体中心": ("主任", "副主任")}
        return workplace, _pick(rng, next(t for k, t in titles.items() if workplace.endswith(k))), {}
    if category == "research":
        workplace = _pick(rng, inst["research"])
        if "推广" in workplace:
            titles = ("主任", "高级农艺师")
        elif workplace.endswith("中心"):
            titles = ("主任", "高级工程师")
        elif workplace.endswith("所"):
            titles = ("所长", "研究员")
        else:
            titles = ("研究员", "副院长", "首席专家", "总工程师")
        return workplace, _pick(rng, titles), {}
    if category == "socsci":
        workplace = _pick(rng, inst["socsci"])
        titles = ("教授", "副校长") if "党校" in workplace else ("主席", "副主席") if "联合会" in workplace else ("研究员", "副院长")
        return workplace, _pick(rng, titles), {}
    if category == "sports":
        workplace = _pick(rng, inst["sports"])
        return workplace, _pick(rng, ("副局长",) if workplace.endswith("体育局") else ("校长", "主任", "教练员")), {}
    if category == "law":
        return f"河南{_pick(rng, BRANDS)}律师事务所", _pick(rng, ("主任", "合伙人、律师", "高级合伙人")), {}
    if category == "welfare":
        workplace, titles = rng.choice([
            (p.bureau("民政"), p.chiefs[1:]),
            (f"{p.area}慈善总会", ("会长", "副会长")),
            (f"{p.area}残疾人联合会", ("理事长", "副理事长")),
            (f"{p.area}社会福利院", ("院长",)),
            (f"{p.brand}{_pick(rng, BRANDS)}养老服务中心", ("主任",)),
            (f"{p.area}医疗保障局", ("局长", "副局长")),
        ])
        return workplace, _pick(rng, titles), {}
    if category == "religion":
        workplace, titles, extra = rng.choice([
            (f"{p.area}佛教协会", ("会长", "副会长"), {}),
            (f"{p.area}伊斯兰教协会", ("会长", "副会长"), {"ethnicity": "回族"}),
            (f"{p.area}基督教两会", ("主席", "副主席"), {}),
            (f"{p.area}天主教爱国会", ("主任", "副主任"), {}),
            (f"{p.area}道教协会", ("会长",), {}),
        ])
        return workplace, _pick(rng, titles), {**extra, "party": Party.MASSES}
    if category == "minority":
        workplace, titles = rng.choice([
            (f"{p.area}民族中学", ("校长", "副校长")),
            (f"{p.area}民族宗教事务局" if p.level != CommitteeLevel.PROVINCIAL else "河南省民族宗教事务委员会", ("副局长" if p.level != CommitteeLevel.PROVINCIAL else "副主任",)),
            (f"{p.brand}{_pick(rng, BRANDS)}清真食品有限公司", ("董事长", "总经理")),
            (_pick(rng, inst["hospitals"]), ("主任医师",)),
        ])
        return workplace, _pick(rng, titles), {"ethnicity": _pick(rng, ("回族", "回族", "回族", "满族", "蒙古族"))}
    if category == "env":
        workplace, titles = rng.choice([
            (p.bureau("生态环境"), ("总工程师", p.chiefs[1])),
            (f"{p.area}生态环境监测中心", ("主任", "高级工程师")),
            (f"{p.brand}{_pick(rng, BRANDS)}环保科技有限公司", ("董事长", "总经理")),
            (f"{p.area}林业发展中心", ("主任",)),
            (p.bureau("水利"), ("总工程师",)),
        ])
        return workplace, _pick(rng, titles), {}
    if category == "foreign":
        workplace, titles = rng.choice([
            (f"{p.area}人民政府外事办公室", ("主任", "副主任")),
            (f"{p.area}人民对外友好协会", ("副会长", "秘书长")),
            (f"{p.brand}{_pick(rng, BRANDS)}进出口贸易有限公司", ("总经理", "董事长")),
        ])
        return workplace, _pick(rng, titles), {}
    if category == "invited":
        if p.level == CommitteeLevel.PROVINCIAL:
            return (f"{_pick(rng, ('香港', '澳门'))}{_pick(rng, BRANDS)}{_pick(rng, ('集团有限公司', '投资有限公司'))}",
                    _pick(rng, ("董事长", "董事局主席")), {"party": Party.MASSES})
        return (f"{p.area}关心下一代工作委员会", _pick(rng, ("副主任", "常务副主任")), {})
    raise ValueError(category)


SECTOR_JOBS: dict[str, tuple[tuple[str, int], ...]] = {
    "中国共产党": (("official", 7), ("enterprise", 1), ("school", 1), ("hospital", 1)),
    "民革": (("org", 2), ("law", 3), ("enterprise", 2), ("culture", 1)),
    "民盟": (("org", 2), ("college", 3), ("school", 2), ("culture", 1)),
    "民建": (("org", 2), ("enterprise", 4), ("bank", 2)),
    "民进": (("org", 2), ("school", 3), ("media", 1), ("culture", 2)),
    "农工党": (("org", 2), ("hospital", 6)),
    "致公党": (("org", 2), ("foreign", 2), ("enterprise", 2), ("college", 1)),
    "九三学社": (("org", 2), ("research", 3), ("college", 2), ("hospital", 1)),
    "台盟": (("org", 2), ("enterprise", 1), ("college", 1)),
    "无党派人士": (("college", 2), ("hospital", 2), ("research", 1), ("enterprise", 1)),
    "共青团": (("org", 3), ("enterprise", 2), ("school", 1)),
    "总工会": (("org", 2), ("worker", 3)),
    "妇联": (("org", 2), ("enterprise", 1), ("school", 1), ("welfare", 1)),
    "青联": (("org", 2), ("enterprise", 2), ("sports", 1), ("culture", 1)),
    "工商联": (("org", 1), ("enterprise", 6)),
    "科协": (("org", 2), ("research", 3), ("college", 1)),
    "台联": (("org", 3), ("enterprise", 1)),
    "侨联": (("org", 3), ("enterprise", 1), ("college", 1)),
    "经济界": (("enterprise", 4), ("bank", 2)),
    "农业界": (("agri", 1),),
    "教育界": (("school", 3), ("college", 3)),
    "科学技术界": (("research", 4), ("college", 1), ("enterprise", 1)),
    "文化艺术界": (("culture", 1),),
    "医药卫生界": (("hospital", 1),),
    "体育界": (("sports", 1),),
    "新闻出版界": (("media", 1),),
    "社会科学界": (("socsci", 4), ("college", 1)),
    "对外友好界": (("foreign", 1),),
    "社会福利和社会保障界": (("welfare", 1),),
    "少数民族界": (("minority", 1),),
    "宗教界": (("religion", 1),),
    "环境资源界": (("env", 1),),
    "特邀人士": (("official", 2), ("invited", 2), ("enterprise", 1)),
}

# --- the plan: everything decided up front, from seeded generators -------------------------------------


@dataclass
class MemberPlan:
    sector: str
    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date
    role: str
    party: str
    workplace: str
    title: str
    phone: str
    contact_point: str = ""
    special_committees: list[str] = field(default_factory=list)
    ceased_on: dt.date | None = None
    cease_reason: str = ""
    username: str = ""
    password: str | None = None
    email: str = ""


class Names:
    """Deterministic, unique names and mobile numbers."""

    def __init__(self) -> None:
        self.used_names: set[str] = {DEMO_MEMBER["name"], *(name for name, _ in DEMO_LIAISONS.values()),
                                     *(login.full_name for login in LOGINS)}
        self.used_phones: set[str] = set()

    def person(self, rng: random.Random, gender: str, ethnicity: str = "汉族") -> str:
        surnames = {"回族": HUI_SURNAMES, "满族": MANCHU_SURNAMES, "蒙古族": MONGOL_SURNAMES}.get(ethnicity, SURNAMES)
        while True:
            surname = rng.choice(surnames)
            if gender == Gender.FEMALE:
                given = rng.choice(FEMALE_SINGLE) if rng.random() < 0.4 else rng.choice(FEMALE_FIRST) + rng.choice(FEMALE_SECOND)
            else:
                given = rng.choice(MALE_SINGLE) if rng.random() < 0.4 else rng.choice(MALE_FIRST) + rng.choice(MALE_SECOND)
            name = surname + given
            if name not in self.used_names and (len(given) == 1 or given[0] != given[1]):
                self.used_names.add(name)
                return name

    def mobile(self, rng: random.Random) -> str:
        while True:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone


def _weighted(rng: random.Random, pairs) -> str:
    options, weights = zip(*pairs, strict=True)
    return rng.choices(options, weights=weights)[0]


def _party_for(rng: random.Random, sector: str, sectors: tuple[str, ...]) -> str:
    if sector == "中国共产党":
        return Party.CPC
    if sector in DEMOCRATIC_PARTIES:
        return DEMOCRATIC_PARTIES[sector]
    if sector == "无党派人士":
        return Party.NON_PARTY
    if sector == "宗教界":
        return Party.MASSES
    parties = [DEMOCRATIC_PARTIES[s] for s in sectors if s in DEMOCRATIC_PARTIES]
    roll = rng.random()
    if sector in PEOPLES_ORGANISATIONS or sector == "特邀人士":
        return Party.CPC if roll < 0.6 else Party.MASSES if roll < 0.92 else rng.choice(parties)
    if roll < 0.4:
        return Party.CPC
    if roll < 0.7:
        return Party.MASSES
    if roll < 0.78:
        return Party.NON_PARTY
    return rng.choice(parties)


def _consistent(sector: str, party: str, workplace: str, title: str) -> tuple[str, str]:
    """Only a CPC member is a party secretary or works in a CPC organ: make such a member a CPC
    member where the sector allows, else drop the party post from the title."""
    party_post = "书记" in title or (workplace.startswith("中共") and "党校" not in workplace)
    if party == Party.CPC or not party_post:
        return party, title
    if sector in DEMOCRATIC_PARTIES or sector in ("无党派人士", "宗教界"):
        return party, title.split("、")[-1]
    return Party.CPC, title


def _allocate(rng: random.Random, sectors: tuple[str, ...], seats: int, minimum: dict[str, int]) -> list[str]:
    """One seat per sector (``minimum`` for some), the rest in proportion to the sectors' weights."""
    weights = [BIG_FIELDS.get(s, SECTOR_WEIGHT[sector_kind(s)]) for s in sectors]
    base = [s for s in sectors for _ in range(minimum.get(s, 1))]
    extra = rng.choices(sectors, weights=weights, k=max(seats - len(base), 0))
    order = {s: i for i, s in enumerate(sectors)}
    return sorted([*base[:seats], *extra], key=order.__getitem__)


def plan_members(p: Place, names: Names, term_start: dt.date) -> list[MemberPlan]:
    rng = random.Random(f"{SEED}:members:{p.key}")
    sectors = p.sectors
    plans: list[MemberPlan] = []

    def person(sector: str, role: str, age: tuple[int, int], female: float, workplace: str = "", title: str = "",
               category: str = "") -> MemberPlan:
        gender = Gender.FEMALE if rng.random() < female else Gender.MALE
        extra: dict = {}
        if not workplace:
            workplace, title, extra = _job(rng, p, category or _weighted(rng, SECTOR_JOBS[sector]), sector)
        ethnicity = extra.get("ethnicity") or _weighted(rng, (("汉族", 94), ("回族", 3), ("满族", 2), ("蒙古族", 1)))
        if sector == "少数民族界" and ethnicity == "汉族":
            ethnicity = "回族"
        born = dt.date(term_start.year - rng.randint(*age), rng.randint(1, 12), rng.randint(1, 28))
        party = extra.get("party") or _party_for(rng, sector, sectors)
        party, title = _consistent(sector, party, workplace, title)
        return MemberPlan(
            sector=sector, name=names.person(rng, gender, ethnicity), gender=gender, ethnicity=ethnicity,
            birth_date=born, role=role, party=party, workplace=workplace, title=title, phone=names.mobile(rng),
            contact_point=rng.choice(p.contact_points) if rng.random() < 0.85 else "",
        )

    # The leadership: a CPC chairman and secretary-general; vice chairmen from the CPC and,
    # as is usual, the heads of democratic parties, the federation of industry and commerce
    # and non-party personages.
    plans.append(person("中国共产党", MemberRole.CHAIRMAN, (54, 60), 0.1, p.short_name, "党组书记、主席"))
    cpc_vices = 3 if p.level == CommitteeLevel.PROVINCIAL else 2
    for i in range(cpc_vices):
        plans.append(person("中国共产党", MemberRole.VICE_CHAIRMAN, (50, 58), 0.2, p.short_name,
                            "党组副书记、副主席" if i == 0 else "党组成员、副主席"))
    others = [s for s in ("民盟", "民建", "民进", "农工党", "九三学社", "民革", "致公党", "台盟") if s in sectors]
    if p.level == CommitteeLevel.COUNTY:
        others = ["工商联", "无党派人士", *others]
    else:
        others = [*others[:p.vice_chairmen - cpc_vices - 1], "无党派人士"]
    for sector in others[:p.vice_chairmen - cpc_vices]:
        if sector in DEMOCRATIC_PARTIES:
            level_org = f"{sector}{p.area}{'总支部' if p.level == CommitteeLevel.COUNTY else '委'}"
            plans.append(person(sector, MemberRole.VICE_CHAIRMAN, (50, 60), 0.25, level_org, "主委"))
        elif sector == "工商联":
            plans.append(person(sector, MemberRole.VICE_CHAIRMAN, (48, 58), 0.2, f"{p.area}工商业联合会", "主席"))
        elif p.level == CommitteeLevel.COUNTY:
            plans.append(person(sector, MemberRole.VICE_CHAIRMAN, (50, 60), 0.3, p.institutions["hospitals"][0], "副院长"))
        else:
            plans.append(person(sector, MemberRole.VICE_CHAIRMAN, (50, 60), 0.3, p.institutions["colleges"][0], "副校长"))
    plans.append(person("中国共产党", MemberRole.SECRETARY_GENERAL, (46, 55), 0.2, p.short_name, "党组成员、秘书长"))
    leadership = len(plans)

    youth = {"共青团", "青联"}
    # A studio's own sector needs enough members to staff it.
    minimum = {spec.get("sector") or spec.get("lead_sector"): 3 for spec in STUDIOS if spec["committee"] == p.key}
    for sector in _allocate(rng, sectors, p.members - leadership, minimum):
        age = (27, 36) if sector in youth else (36, 62)
        female = 0.9 if sector == "妇联" else 0.35
        plans.append(person(sector, MemberRole.MEMBER, age, female))

    rank_and_file = plans[leadership:]
    # About one in eight ordinary seats is a standing committee member (常委).
    for plan in rng.sample(rank_and_file, k=max(round(len(plans) * 0.13), 2)):
        plan.role = MemberRole.STANDING

    if p.key == DEMO_MEMBER["committee"]:
        pinned = next(m for m in rank_and_file if m.sector == DEMO_MEMBER["sector"])
        for key, value in DEMO_MEMBER.items():
            if hasattr(pinned, key):
                setattr(pinned, key, value)
        pinned.password = PASSWORD
        pinned.email = f"member@{EMAIL_DOMAIN}"

    available = p.special_committees
    for plan in rank_and_file:
        if plan.username:
            continue
        chosen = []
        if rng.random() < 0.7:
            liked = [c for c in SECTOR_AFFINITY.get(plan.sector, ()) if c in available]
            chosen.append(liked[0] if liked else rng.choice(available[1:]))
        if rng.random() < 0.12 and PROPOSALS_COMMITTEE not in chosen:
            chosen.append(PROPOSALS_COMMITTEE)
        plan.special_committees = chosen

    seats = Counter(m.sector for m in rank_and_file)
    leavers = [m for m in rank_and_file if not m.username and m.role == MemberRole.MEMBER and seats[m.sector] > 1]
    for plan in rng.sample(leavers, k=p.ceased):
        plan.ceased_on = term_start + dt.timedelta(days=rng.randint(200, 1000))
        plan.cease_reason = rng.choice(CEASE_REASONS)
    return plans


def plan_sessions(p: Place) -> list[tuple[int, dt.date, dt.date | None, list[tuple[int, dt.date, dt.date]]]]:
    """(term number, start, end, [(session number, start, end)]) for each term, oldest first.

    A term opens with its first session and ends the day before the next term opens; later
    sessions meet once a year between January and March.
    """
    rng = random.Random(f"{SEED}:sessions:{p.key}")
    days = {CommitteeLevel.PROVINCIAL: 5, CommitteeLevel.MUNICIPAL: 4}.get(p.level, 3)
    result = []
    for index, (number, start) in enumerate(p.terms):
        nxt = p.terms[index + 1][1] if index + 1 < len(p.terms) else None
        last_year = nxt.year - 1 if nxt else LAST_SESSION_YEAR
        sessions = []
        for session_number, year in enumerate(range(start.year, last_year + 1), start=1):
            if session_number == 1:
                opens = start
            else:
                opens = dt.date(year, start.month, 1) + dt.timedelta(days=rng.randint(4, 24))
                # Open on a weekday, and not during the Spring Festival holiday.
                while opens.weekday() >= 5 or any(_holiday(opens + dt.timedelta(days=i)) for i in range(days)):
                    opens += dt.timedelta(days=1)
            sessions.append((session_number, opens, opens + dt.timedelta(days=days - 1)))
        result.append((number, start, nxt - dt.timedelta(days=1) if nxt else None, sessions))
    return result


def _holiday(day: dt.date) -> bool:
    from chinese_calendar import get_holiday_detail

    return get_holiday_detail(day)[1] is not None


def _landline(rng: random.Random, p: Place) -> str:
    digits = 8 if p.area_code == "0371" else 7
    return f"{p.area_code}-{rng.randint(2, 8)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"


def _address(rng: random.Random, p: Place) -> str:
    return f"{p.district}{rng.choice(p.roads)}{rng.randint(1, 299)}号"


# --- loading -----------------------------------------------------------------------------------------


class Loader:
    def __init__(self, write) -> None:
        self.write = write
        self.created: dict[str, int] = {}
        self.existing: dict[str, int] = {}
        self.committees: dict[str, Committee] = {}
        self.members: dict[str, dict[str, Member]] = {}  # committee key → name → member
        self.names = Names()
        self.actor: User | None = None

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.existing
        bucket[kind] = bucket.get(kind, 0) + 1

    # logins

    def superuser(self) -> User:
        user = User.objects.filter(username="admin").first()
        self.count("logins", user is None)
        if user is None:
            user = User.objects.create_superuser(
                username="admin", email=f"admin@{EMAIL_DOMAIN}", password=PASSWORD, full_name="系统管理员"
            )
        elif not user.is_superuser:
            raise CommandError("A user named admin exists but is not a superuser; the demo needs it to be one.")
        return user

    def grant_logins(self) -> None:
        rng = random.Random(f"{SEED}:logins")
        for login in LOGINS:
            if not login.grant:
                continue
            user = User.objects.filter(username=login.username).first()
            self.count("logins", user is None)
            if user is None:
                user = User.objects.create_user(
                    username=login.username, password=PASSWORD, full_name=login.full_name,
                    email=f"{login.username}@{EMAIL_DOMAIN}", phone=self.names.mobile(rng),
                )
            else:
                self.names.mobile(rng)  # keep the sequence of numbers identical on every run
            committee = self.committees[login.committee]
            exists = CommitteeRole.objects.filter(user=user, committee=committee, role=login.grant).exists()
            services.committee_role_grant(actor=self.actor, user=user, committee=committee, role=login.grant,
                                          includes_subordinates=login.includes_subordinates)
            self.count("committee roles", not exists)

    # the tree

    def committee(self, *, key: str, name: str, level: str, parent: Committee | None, **fields) -> Committee:
        existing = Committee.objects.filter(parent=parent, name=name).first()
        self.count("committees", existing is None)
        if existing is None:
            existing = services.committee_create(actor=self.actor, name=name, level=level, parent=parent, **fields)
        self.committees[key] = existing
        return existing

    def tree(self) -> None:
        for p in PLACES:
            self.committee(key=p.key, name=p.name, level=p.level, parent=self.committees.get(p.parent),
                           short_name=p.short_name, region_code=p.region_code, address=p.address, phone=p.phone)
        for county in COUNTIES:
            rng = random.Random(f"{SEED}:offices:{county.key}")
            for township in county.institutions["offices"]:
                office = "办事处" if township.endswith("街道") else "人民政府"
                self.committee(
                    key=f"{county.key}:{township}", name=f"{county.area}{township}政协工作室",
                    short_name=f"{township}政协工作室", level=CommitteeLevel.TOWNSHIP,
                    parent=self.committees[county.key], address=f"{county.area}{township}{office}院内",
                    phone=_landline(rng, county),
                )

    def terms_and_sessions(self, p: Place) -> Term:
        committee = self.committees[p.key]
        terms = {t.number: t for t in committee.terms.all()}
        current = None
        for number, start, end, sessions in plan_sessions(p):
            term = terms.get(number)
            self.count("terms", term is None)
            if term is None:
                term = services.term_create(actor=self.actor, committee=committee, number=number, start_date=start,
                                            end_date=end, is_current=end is None)
            current = term
            known = set(term.sessions.values_list("number", flat=True))
            for session_number, opens, closes in sessions:
                self.count("plenary sessions", session_number not in known)
                if session_number not in known:
                    services.session_create(actor=self.actor, term=term, number=session_number, start_date=opens,
                                            end_date=closes, place=p.hall)
        return current

    def sectors(self, p: Place) -> dict[str, Sector]:
        committee = self.committees[p.key]
        sectors = {s.name: s for s in committee.sectors.all()}
        for order, name in enumerate(p.sectors, start=1):
            self.count("sectors", name not in sectors)
            if name not in sectors:
                sectors[name] = services.sector_create(actor=self.actor, committee=committee, name=name,
                                                       kind=sector_kind(name), order=order)
        return sectors

    def special_committees(self, p: Place) -> dict[str, SpecialCommittee]:
        committee = self.committees[p.key]
        found = {s.name: s for s in committee.special_committees.all()}
        for order, name in enumerate(p.special_committees, start=1):
            self.count("special committees", name not in found)
            if name not in found:
                found[name] = services.special_committee_create(
                    actor=self.actor, committee=committee, name=name,
                    is_proposals_committee=name == PROPOSALS_COMMITTEE, order=order,
                )
        return found

    def roster(self, p: Place, term: Term, sectors: dict[str, Sector], specials: dict[str, SpecialCommittee]) -> None:
        committee = self.committees[p.key]
        found = {m.name: m for m in Member.objects.filter(committee=committee, term=term).select_related("sector", "user")}
        roster = self.members[p.key] = {}
        for plan in plan_members(p, self.names, term.start_date):
            member = found.get(plan.name)
            self.count("members", member is None)
            if member is None:
                member = services.member_create(
                    actor=self.actor, committee=committee, term=term, sector=sectors[plan.sector], name=plan.name,
                    phone=plan.phone, username=plan.username, email=plan.email, password=plan.password,
                    special_committees=[specials[s] for s in plan.special_committees],
                    gender=plan.gender, ethnicity=plan.ethnicity, birth_date=plan.birth_date, role=plan.role,
                    party=plan.party, workplace=plan.workplace, title=plan.title, contact_point=plan.contact_point,
                )
                if plan.ceased_on:
                    member = services.member_cease(actor=self.actor, member=member, ceased_on=plan.ceased_on,
                                                   reason=plan.cease_reason)
            if plan.username:
                self.count("logins", plan.name not in found)
            roster[plan.name] = member

    def departments(self) -> None:
        found = {(d.committee_id, d.name): d for d in Department.objects.all()}
        liaisons = {(li.department_id, li.user.full_name) for li in Liaison.objects.select_related("user")}
        for key, name, short_name, kind in DEPARTMENTS:
            p, committee = PLACE[key], self.committees[key]
            rng = random.Random(f"{SEED}:department:{name}")
            fields = {"short_name": short_name, "kind": kind, "head_name": self.names.person(rng, Gender.MALE),
                          "phone": _landline(rng, p), "address": _address(rng, p)}
            department = found.get((committee.pk, name))
            self.count("departments", department is None)
            if department is None:
                department = services.department_create(actor=self.actor, committee=committee, name=name, **fields)
            people = [DEMO_LIAISONS[name]] if name in DEMO_LIAISONS else []
            for _ in range(rng.randint(1, 2) - len(people)):
                gender = Gender.FEMALE if rng.random() < 0.5 else Gender.MALE
                people.append((self.names.person(rng, gender), ""))
            for index, (person, username) in enumerate(people):
                phone, title = self.names.mobile(rng), rng.choice(LIAISON_TITLES[index::2])
                exists = (department.pk, person) in liaisons
                self.count("liaisons", not exists)
                if username:
                    self.count("logins", not exists)
                if exists:
                    continue
                services.liaison_create(
                    actor=self.actor, department=department, name=person, phone=phone, username=username,
                    email=f"{username}@{EMAIL_DOMAIN}" if username else "",
                    password=PASSWORD if username else None, title=title,
                )

    def studios(self) -> None:
        found = {(s.committee_id, s.name): s for s in Studio.objects.all()}
        for spec in STUDIOS:
            p, committee = PLACE[spec["committee"]], self.committees[spec["committee"]]
            rng = random.Random(f"{SEED}:studio:{spec.get('name') or spec.get('lead') or spec['lead_sector']}")
            roster = [m for m in self.members[p.key].values() if m.ceased_on is None]
            sector = lead = None
            if spec.get("sector"):
                sector = committee.sectors.get(name=spec["sector"])
            if spec.get("lead"):
                lead = self.members[p.key][spec["lead"]]
            elif spec.get("lead_sector"):
                lead = next(m for m in roster if m.sector.name == spec["lead_sector"] and m.role in
                            (MemberRole.MEMBER, MemberRole.STANDING))
            name = spec.get("name") or f"{lead.name}委员工作室"
            size = rng.randint(4, 8)
            own = [m for m in roster if sector and m.sector_id == sector.pk]
            fill = [m for m in roster if m.sector.name in spec["fill"] and m not in own and m != lead]
            members = ([lead] if lead else []) + own + rng.sample(fill, k=min(len(fill), size))
            members = members[:size] if len(members) > size else members
            if len(members) < 3:
                rest = [m for m in roster if m not in members]
                members += rng.sample(rest, k=3 - len(members))
            contact = lead or members[0]
            studio = found.get((committee.pk, name))
            self.count("studios", studio is None)
            if studio is None:
                services.studio_create(
                    actor=self.actor, committee=committee, name=name, address=spec["address"], members=members,
                    sector=sector, lead_member=lead, phone=contact.phone, contact_person=contact.name,
                    description=spec["description"],
                )

    def run(self) -> None:
        self.actor = self.superuser()
        days = calendar_seed_from_package(actor=None)
        self.created["calendar days"] = days
        self.existing["calendar days"] = CalendarDay.objects.count() - days
        self.tree()
        for p in PLACES:
            term = self.terms_and_sessions(p)
            sectors = self.sectors(p)
            specials = self.special_committees(p)
            self.roster(p, term, sectors, specials)
            self.write(f"  {p.short_name}: {len(self.members[p.key])} members, {len(sectors)} sectors, "
                       f"{len(specials)} special committees")
        self.departments()
        self.studios()
        self.grant_logins()


def logins_table() -> str:
    lines = [f"Demo logins (the password of every one is {PASSWORD}):", f"  {'username':<13} {'password':<10} role / sees"]
    for login in LOGINS:
        lines.append(f"  {login.username:<13} {PASSWORD:<10} {login.role}")
        lines.append(f"  {'':<13} {'':<10} sees {login.sees}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Load demo data: Henan province, Puyang and Anyang cities, four counties and their work offices, "
        "330 members, departments, studios and one login per role. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print only the summary line.")
        parser.add_argument("--logins-file", default="", help="Also write the table of demo logins to this file.")

    def handle(self, *args, quiet: bool = False, logins_file: str = "", **options) -> None:
        started = time.monotonic()
        loader = Loader(write=(lambda line: None) if quiet else self.stdout.write)
        if not quiet:
            self.stdout.write("Loading demo data…")
        with transaction.atomic():
            loader.run()
        elapsed = time.monotonic() - started
        created = sum(loader.created.values())
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready in {elapsed:.1f}s: {created} objects created, "
            f"{sum(loader.existing.values())} already present."
        ))
        if not quiet:
            kinds = sorted(set(loader.created) | set(loader.existing), key=lambda k: -(loader.created.get(k, 0)
                                                                                      + loader.existing.get(k, 0)))
            for kind in kinds:
                self.stdout.write(f"  {kind:<20} {loader.created.get(kind, 0):>4} created  "
                                  f"{loader.existing.get(kind, 0):>4} present")
            self.stdout.write("")
            self.stdout.write(logins_table())
        if logins_file:
            Path(logins_file).write_text(logins_table() + "\n", encoding="utf-8")
