"""JSON API for representativeness (/api/v1/representation): aggregates only, every figure suppressed.

Every view needs a bearer token whose role has reports.view (app.api); nothing here names a person.
"""

from flask.views import MethodView

from app.api import ApiBlueprint
from app.representation import services
from app.representation.schemas import AuditQuery, AuditResultsOut, BaselinesOut, SavedAuditDetailOut, SavedAuditOut

bp = ApiBlueprint(
    "representation_api",
    __name__,
    url_prefix="/api/v1/representation",
    description="Baselines of the area served and representativeness audits (suppressed aggregates)",
)
authenticate = bp.requires


@bp.route("/baselines")
class Baselines(MethodView):
    @authenticate("reports.view")
    @bp.response(200, BaselinesOut)
    def get(self):
        """The Census baseline of the area served, per characteristic"""
        return services.served_baselines()


@bp.route("/audit")
class LiveAudit(MethodView):
    @authenticate("reports.view")
    @bp.arguments(AuditQuery, location="query")
    @bp.response(200, AuditResultsOut)
    def get(self, query):
        """Audit a population now, with the figures the audit page shows"""
        kind = query.pop("population")
        on = query.pop("on")
        params = {k: v.isoformat() if k in ("start", "end") and v else v for k, v in query.items()}
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return services.shown_results(services.run_audit(kind, params, on))


@bp.route("/audits")
class SavedAudits(MethodView):
    @authenticate("reports.view")
    @bp.response(200, SavedAuditOut(many=True))
    def get(self):
        """Saved annual audits, newest first"""
        return services.saved_audits()


@bp.route("/audits/<int:audit_id>")
class SavedAuditItem(MethodView):
    @authenticate("reports.view")
    @bp.response(200, SavedAuditDetailOut)
    def get(self, audit_id):
        """One saved annual audit, as it was frozen, suppressed"""
        saved = services.get_audit(audit_id)
        return {
            "id": saved.id,
            "title": saved.title,
            "audit_date": saved.audit_date,
            "created_at": saved.created_at,
            "population_kind": saved.population_kind,
            "results": services.shown_results(saved.results),
        }
