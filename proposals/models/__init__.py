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
    Reply,
)
from .micro import MicroSuggestion
from .routing import RoutingDecision, RoutingDepartmentStat, RoutingRule, RoutingTermStat

__all__ = [
    "Assignment", "Case", "CaseAttachment", "Category", "ContactRecord", "Escalation", "ExtensionRequest",
    "Feedback", "Follow", "HandlingPolicy", "MicroSuggestion", "ObjectionRequest", "Reply", "RoutingDecision",
    "RoutingDepartmentStat", "RoutingRule", "RoutingTermStat",
]
