from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "pingyi.ballots"
    verbose_name = "民主测评"

    def ready(self):
        from pingyi.reviews.actions import SCREEN_STATE_HOOKS, STAGE_HOOKS

        from .actions import turnout
        from .publish import on_stage

        STAGE_HOOKS.append(on_stage)

        from pingyi.reviews.models import STAGE_WINDOWS, Stage

        STAGE_WINDOWS.update(
            {
                "issue_slips": (Stage.PREPARING, Stage.APPRAISAL),
                "void_slips": (Stage.PREPARING, Stage.APPRAISAL),
                "live_turnout": (Stage.APPRAISAL, Stage.APPRAISAL),
                "paper_entry": (Stage.APPRAISAL, Stage.APPRAISAL),
            }
        )

        from pingyi.reviews.readiness import READINESS_HOOKS

        from .readiness import gaps

        READINESS_HOOKS.append(gaps)

        from pingyi.reviews.documents import FEEDBACK_SECTIONS

        from .results import feedback_section

        FEEDBACK_SECTIONS.append(feedback_section)

        from pingyi.reviews.demo import APPRAISAL_HOOKS

        from .demo_appraisal import appraise

        APPRAISAL_HOOKS.append(appraise)

        def screen_turnout(review):
            rows = turnout(review) if review.stage in ("appraisal",) else []
            return {"turnout": rows}

        SCREEN_STATE_HOOKS.append(screen_turnout)
