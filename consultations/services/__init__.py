"""The business rules of consultation, supervision, research and information work: import the
module you need (services.consultations, services.supervision, services.information)."""
