from .handling import (
    Assignment,
    Case,
    CaseAttachment,
    Category,
    ContactRecord,
    Escalation,
    ExtensionRequest,
    Feedback,
    Follow,
    HandlingPolicy,
    ObjectionRequest,
    ProgressNote,
    Reply,
)
from .micro import MicroSuggestion
from .proposal import (
    CoSigner,
    GuideTopic,
    ProcuratorateTransfer,
    Proposal,
    ProposalAttachment,
    ProposalBody,
    ProposalSequence,
    SupervisionActivity,
    TopicGuide,
)
from .routing import RoutingDecision, RoutingDepartmentStat, RoutingRule, RoutingTermStat

__all__ = [
    "Assignment", "Case", "CaseAttachment", "Category", "ContactRecord", "Escalation", "ExtensionRequest",
    "Feedback", "Follow", "HandlingPolicy", "MicroSuggestion", "ObjectionRequest", "Reply", "RoutingDecision",
    "RoutingDepartmentStat", "RoutingRule", "RoutingTermStat", "ProgressNote", "CoSigner", "GuideTopic",
    "ProcuratorateTransfer", "Proposal", "ProposalAttachment", "ProposalBody", "ProposalSequence",
    "SupervisionActivity", "TopicGuide",
]
