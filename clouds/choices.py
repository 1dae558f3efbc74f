from django.db import models

from clouds import stages


class CloudKind(models.TextChoices):
    SOVEREIGN = "sovereign", "Sovereign"
    GOVERNMENT = "government", "Government"


class LifecycleStage(models.TextChoices):
    PLANNED = stages.PLANNED, "Planned"
    BUILDING = stages.BUILDING, "Building"
    PRE_LAUNCH = stages.PRE_LAUNCH, "Pre-launch"
    LAUNCHED = stages.LAUNCHED, "Launched"
    RETIRED = stages.RETIRED, "Retired"


class PartnerKind(models.TextChoices):
    NCOE = "ncoe", "National Cloud Operating Entity"
    OPERATING_PARTNER = "operating_partner", "Operating partner"


class PartnerRole(models.TextChoices):
    """What a partner does for one cloud."""

    OPERATOR = "operator", "Operator (NCOE)"
    SUPPORT = "support", "Support partner"
    SUBCONTRACTOR = "subcontractor", "Subcontractor"


class UserRole(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    PROGRAM_MANAGER = "program_manager", "Program manager"
    EXECUTIVE = "executive", "Executive"
    PARTNER_STAFF = "partner_staff", "Partner staff"


class ChangeSource(models.TextChoices):
    """The path through which a change was made, recorded in the audit trail."""

    BROWSER = "browser", "Browser"
    API = "api", "API"
    ADMIN = "admin", "Admin"
    IMPORT = "import", "Import"
    JOB = "job", "Job"
