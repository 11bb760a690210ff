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


# --- the duty record (履职档案) -------------------------------------------------------------------

class DutyKind(models.TextChoices):
    """What a member did that counts in their duty record. The apps that see the action record
    it (they register a source with members.duty); committees score the kinds with their own
    rules (AssessmentRule)."""

    MEETING_PRESENT = "meeting_present", _("Attended a meeting or consultation")
    MEETING_EXCUSED = "meeting_excused", _("Excused absence from a meeting")
    MEETING_ABSENT = "meeting_absent", _("Unexcused absence from a meeting")
    SPEECH = "speech", _("Spoke at a meeting")
    WRITTEN_OPINION = "written_opinion", _("Handed in a written opinion")
    PROPOSAL_SUBMITTED = "proposal_submitted", _("Submitted a proposal")
    PROPOSAL_FILED = "proposal_filed", _("Proposal filed")
    PROPOSAL_KEY = "proposal_key", _("Key proposal")
    PROPOSAL_EXCELLENT = "proposal_excellent", _("Excellent proposal")
    MICRO_SUBMITTED = "micro_submitted", _("Submitted a micro-suggestion")
    MICRO_REPLIED = "micro_replied", _("Micro-suggestion answered by a department")
    MICRO_SATISFIED = "micro_satisfied", _("Micro-suggestion closed as satisfied")
    INFORMATION_SUBMITTED = "information_submitted", _("Submitted social-conditions information")
    INFORMATION_ADOPTED = "information_adopted", _("Information adopted by this committee")
    INFORMATION_ADOPTED_HIGHER = "information_adopted_higher", _("Information adopted by a higher committee")
    INFORMATION_ADOPTED_PROVINCIAL = "information_adopted_provincial", _("Information adopted provincially")
    INFORMATION_ADOPTED_NATIONAL = "information_adopted_national", _("Information adopted nationally")
    INFORMATION_INSTRUCTED = "information_instructed", _("Information instructed on by a leader")
    TASK_MEMBER = "task_member", _("Took part in supervision or research")
    TASK_LEAD = "task_lead", _("Led supervision or research")
    ACTIVITY_PRESENT = "activity_present", _("Took part in an inspection or research activity")
    STUDIO_DUTY = "studio_duty", _("Studio duty")
    STUDIO_ACTIVITY = "studio_activity", _("Studio activity")
    CONCERN_HANDLED = "concern_handled", _("Handled a concern of the public")
    OTHER = "other", _("Other duty (recorded by staff)")


class DutyRole(models.TextChoices):
    NONE = "", _("—")
    FIRST = "first", _("First author")
    CO = "co", _("Co-author")


class SplitMode(models.TextChoices):
    """How an action of several authors is scored (a joint proposal, an item by three)."""

    FULL = "full", _("Each author gets the full points")
    EQUAL = "equal", _("The points are shared equally")
    FIRST_SHARE = "first_share", _("The first author takes a share, the others share the rest")
    FIRST_ONLY = "first_only", _("Only the first author scores")
    RECORDED = "recorded", _("By the shares recorded on the item")


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
