from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / sub-district work office")


# A committee may only sit below a committee of a higher level.
LEVEL_RANK = {
    CommitteeLevel.NATIONAL: 0,
    CommitteeLevel.PROVINCIAL: 1,
    CommitteeLevel.MUNICIPAL: 2,
    CommitteeLevel.COUNTY: 3,
    CommitteeLevel.TOWNSHIP: 4,
}


class SectorKind(models.TextChoices):
    PARTY = "party", _("Communist Party of China")
    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party")
    NON_PARTY = "non_party", _("Non-party personages")
    PEOPLES_ORGANISATION = "peoples_organisation", _("People's organisation")
    FIELD = "field", _("Field")
    SPECIALLY_INVITED = "specially_invited", _("Specially invited")


class MemberRole(models.TextChoices):
    CHAIRMAN = "chairman", _("Chairman")
    VICE_CHAIRMAN = "vice_chairman", _("Vice chairman")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    STANDING = "standing", _("Standing committee member")
    MEMBER = "member", _("Member")


class Party(models.TextChoices):
    CPC = "cpc", _("CPC (中共)")
    RCCK = "rcck", _("RCCK (民革)")
    CDL = "cdl", _("CDL (民盟)")
    CNDCA = "cndca", _("CNDCA (民建)")
    CAPD = "capd", _("CAPD (民进)")
    CPWDP = "cpwdp", _("CPWDP (农工党)")
    CZGP = "czgp", _("CZGP (致公党)")
    JS = "js", _("Jiusan Society (九三学社)")
    TDSL = "tdsl", _("TDSL (台盟)")
    NON_PARTY = "non_party", _("Non-party (无党派)")
    MASSES = "masses", _("None (群众)")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class DepartmentKind(models.TextChoices):
    GOVERNMENT = "government", _("Government department")
    PARTY = "party", _("Party committee department")
    COURT = "court", _("Court")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    ENTERPRISE = "enterprise", _("State-owned enterprise")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    PEOPLES_ORGANISATION = "peoples_organisation", _("People's organisation")
    OTHER = "other", _("Other")


class CommitteeRoleKind(models.TextChoices):
    STAFF = "staff", _("Committee staff")
    LEADER = "leader", _("Leader")
