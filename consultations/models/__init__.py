from .consultation import (
    Activity,
    CalendarFeed,
    Consultation,
    ConsultationKind,
    ConsultationPlan,
    FollowUp,
    Instruction,
    Material,
    Participant,
    Post,
    Result,
    Speech,
    Topic,
)
from .information import Adoption, Bulletin, BulletinIssue, InformationAuthor, InformationItem, InformationOfficer
from .studio import Concern, DutyShift, StudioActivity
from .supervision import Task, TaskReport, TeamMember

__all__ = [
    "Activity", "Adoption", "Bulletin", "BulletinIssue", "CalendarFeed", "Consultation", "ConsultationKind",
    "ConsultationPlan", "FollowUp", "InformationAuthor", "InformationItem", "InformationOfficer", "Instruction",
    "Material", "Participant", "Concern", "DutyShift", "StudioActivity", "Post", "Result", "Speech", "Task", "TaskReport", "TeamMember", "Topic",
]
