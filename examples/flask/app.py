"""The seed's REST API (DESIGN §8) on leads-py: a drop-in for the old Flask backend.

    python examples/flask/app.py            # 127.0.0.1:5000 (PORT changes the port)

An application factory (`create_app`) with one blueprint, configured from `LEADS_*` environment
variables through `app.config` (Flask's `from_prefixed_env`), or from a mapping given to
`create_app` (tests):

- `LEADS_JWT_SECRET` (`JWT_SECRET`) signs login tokens (a random one per process when unset; on
  Supabase use the project's JWT secret so its Row Level Security sees the user);
- `LEADS_IMPORT_DIR` (`IMPORT_DIR`) names the folder `{"path": ...}` imports may read;
- `LEADS_MAX_UPLOAD_BYTES` (`MAX_UPLOAD_BYTES`) caps uploads (default 50 MB);
- `LEADS_DB` (`DB`): the SQLite file of the default store (`leads.db` in the working
  directory), so users and leads survive a restart; `:memory:` keeps them in a MemoryStore,
  gone when the process ends;
- `LEADS_LOGIN_RATE` (`LOGIN_RATE`): login attempts allowed per client address (default
  `30 per minute`, flask-limiter's notation), on top of the store's per-username throttling
  (5 failures in 15 minutes);
- `LEADS_UI_DIR` / `LEADS_UI_PKG` (`UI_DIR`, `UI_PKG`): the frontend served under `/ui/`
  (`examples/browser`) and the npm package's web build it loads (`target/npm/leads-wasm/web`,
  made by `scripts/build-npm`); `/` redirects there;
- `STORE`: a `leads.Store`; by default SupabaseStore when `SUPABASE_URL` and `SUPABASE_KEY` are
  set, else MemoryStore when `DB` is `:memory:`, else the embedded SqliteStore on `DB`.

Every error, Flask's own 404/405/413/500 included, is `{"error": {"code", "message"}}` (with
`field` when a JSON field is missing or of the wrong type). Uploads are validated and stored as
they stream in: the multipart body is held in memory (within the upload limit), never spooled to
a temporary file, and `{"path": ...}` imports are read from disk in chunks.
"""

from __future__ import annotations

import functools
import io
import json
import os
import queue
import secrets
import threading
from pathlib import Path
from typing import IO, Any, Callable, Dict, Iterator, Literal, Mapping, NoReturn, Optional, Tuple, TypeVar, Union, cast

import leads
from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    current_app,
    jsonify,
    redirect,
    request,
    send_from_directory,
    stream_with_context,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

Mode = Literal["strict", "skip_invalid"]  # anything else: 400 invalid_option from leads

#: The HTTP status of each core error code.
STATUS = {
    "invalid_option": 400,
    "invalid_query": 400,
    "invalid_username": 400,
    "invalid_password": 400,
    "invalid_lead": 400,
    "finished": 400,
    "io": 400,
    "invalid_token": 401,
    "invalid_credentials": 401,
    "not_found": 404,
    "username_taken": 409,
    "salesperson_exists": 409,
    "import_rejected": 422,
    "backend": 502,
    "database": 500,
    "http": 502,
    "partial_upsert": 502,
    "interrupted": 500,
    "forbidden": 403,
    "too_many_attempts": 429,
    "already_exists": 409,
}

#: The code of Flask's and werkzeug's own error answers, by status.
HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_attempts",
}

bp = Blueprint("leads", __name__)

HERE = Path(__file__).resolve().parent


class ApiError(HTTPException):
    """An error answer of this API: an HTTP status, a stable code, a message, and the JSON field
    it concerns when there is one."""

    def __init__(self, status: int, code: str, message: str, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = status
        self.error_code = code
        self.field = field


def fail(status: int, code: str, message: str, field: Optional[str] = None) -> NoReturn:
    raise ApiError(status, code, message, field)


def error_body(
    code: str, message: str, status: int, field: Optional[str] = None, **beside: Any
) -> Tuple[Response, int]:
    """`{"error": {"code", "message", "field"?}, ...beside}` with `status`."""
    error: Dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    return jsonify({"error": error, **beside}), status


class InMemoryUploads(Request):
    """Keeps uploaded files in memory (they are bounded by MAX_CONTENT_LENGTH) instead of
    werkzeug's temporary files for parts over 500 KB: nothing is left on disk."""

    def _get_file_stream(
        self,
        total_content_length: Optional[int],
        content_type: Optional[str],
        filename: Optional[str] = None,
        content_length: Optional[int] = None,
    ) -> IO[bytes]:
        return io.BytesIO()


def store() -> leads.Store:
    return cast(leads.Store, current_app.config["STORE"])


def json_body() -> Dict[str, Any]:
    """The request's JSON object (`{}` without a body); 400 `invalid_json` when it is not one."""
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(force=True, silent=True)
    if data is None:
        fail(400, "invalid_json", "the body is not valid JSON")
    if not isinstance(data, dict):
        fail(400, "invalid_json", "the body must be a JSON object")
    return data


def text(data: Mapping[str, Any], name: str, *, required: bool = True) -> Optional[str]:
    """A string field of a JSON body: 400 naming the field when it is missing or not a string
    (never turned into one with `str()`)."""
    if name not in data:
        if required:
            fail(400, "invalid_request", f"`{name}` is required", name)
        return None
    value = data[name]
    if not isinstance(value, str):
        fail(400, "invalid_request", f"`{name}` must be a string, not {type(value).__name__}", name)
    return value


View = TypeVar("View", bound=Callable[..., Any])


def authenticated(view: View) -> View:
    """The route's `<username>` names a workspace; the Bearer token's user acts in it: 401 without
    a valid token. The view gets the workspace's uuid as `uid` (instead of `username`) and the
    token's user as `actor`; leads decides, per the actor's role there, what they may do (403
    `forbidden` naming the permission, for non-members too)."""

    @functools.wraps(view)
    def wrapper(username: str, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            fail(401, "unauthorized", "a Bearer token is required")
        # Checked by the store too: a token revoked by a password change or a log out
        # everywhere is refused.
        claims = store().verify_token(header[len("Bearer ") :], current_app.config["JWT_SECRET"])
        user = store().find_user(username)
        if user is None:
            fail(403, "forbidden", f"this token has no access to {username}")
        return view(uid=str(user["uuid"]), actor=str(claims["sub"]), **kwargs)

    return cast(View, wrapper)


@bp.app_errorhandler(leads.LeadsError)
def leads_error(e: leads.LeadsError) -> Tuple[Response, int]:
    beside: Dict[str, Any] = {}
    if isinstance(e, leads.ImportRejectedError):
        beside["report"] = e.report.to_dict()
    if isinstance(e, leads.InvalidInputError) and e.issues:
        beside["issues"] = [issue.to_dict() for issue in e.issues]
    response, status = error_body(e.code, str(e), STATUS.get(e.code, 500), **beside)
    if isinstance(e, leads.TooManyAttemptsError):
        response.headers["Retry-After"] = str(e.retry_after)
    return response, status


@bp.app_errorhandler(HTTPException)
def http_error(e: HTTPException) -> Tuple[Response, int]:
    status = e.code or 500
    if isinstance(e, ApiError):
        return error_body(e.error_code, e.description or "", status, e.field)
    if status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return error_body("too_large", f"the upload is larger than {limit} bytes", 413)
    if status == 429:
        # The per-address login limit (flask-limiter); its Retry-After header is added after.
        return error_body("too_many_attempts", f"too many login attempts from this address ({e.description})", 429)
    return error_body(HTTP_CODES.get(status, "http_error"), e.description or e.name, status)


@bp.app_errorhandler(Exception)
def internal_error(e: Exception) -> Tuple[Response, int]:
    current_app.logger.exception("unhandled error", exc_info=e)
    return error_body("internal_error", "internal server error", 500)


@bp.route("/user", methods=["POST", "PUT"])
def register() -> Tuple[Response, int]:
    data = json_body()
    user = store().register(cast(str, text(data, "username")), cast(str, text(data, "password")))
    return jsonify({"uuid": user["uuid"], "username": user["username"]}), 201


@bp.post("/login")
def login() -> Response:
    data = json_body()
    username, password = cast(str, text(data, "username")), cast(str, text(data, "password"))
    return jsonify(store().login(username, password, current_app.config["JWT_SECRET"]))


def bearer_user() -> str:
    """The uuid of the Bearer token's user (401 without a valid, unrevoked token)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        fail(401, "unauthorized", "a Bearer token is required")
    return str(store().verify_token(header[len("Bearer ") :], current_app.config["JWT_SECRET"])["sub"])


@bp.put("/user/password")
def change_password() -> Tuple[str, int]:
    """`{"password", "new_password"}`: the current password is required; every earlier token
    of the user stops working."""
    user, data = bearer_user(), json_body()
    store().change_password(user, cast(str, text(data, "password")), cast(str, text(data, "new_password")))
    return "", 204


@bp.post("/logout-all")
def logout_all() -> Tuple[str, int]:
    """Every token of the user issued until now stops working."""
    store().logout_everywhere(bearer_user())
    return "", 204


@bp.get("/user/workspaces")
def workspaces() -> Response:
    """The workspaces the token's user works in: their own first (role `owner`), then those they
    are a member of: `{"items": [{"uuid", "username", "role"}]}`."""
    return jsonify({"items": store().workspaces(bearer_user())})


#: The frontend's files (examples/browser) that `/ui/` serves: pages, scripts, styles, images.
UI_FILES = (".html", ".js", ".css", ".svg", ".png")


@bp.get("/")
def home() -> WerkzeugResponse:
    """The frontend lives under `/ui/` (a one- or two-letter path is never a workspace's name)."""
    return redirect("/ui/")


@bp.get("/ui/")
@bp.get("/ui/<name>")
def ui(name: str = "index.html") -> Response:
    """The frontend (DESIGN §9), same origin as the API: `examples/browser` (config `UI_DIR`)."""
    if not name.endswith(UI_FILES):
        fail(404, "not_found", f"no such file: {name}")
    return send_from_directory(current_app.config["UI_DIR"], name, max_age=0)


@bp.get("/ui/pkg/<path:name>")
def ui_package(name: str) -> Response:
    """The npm package's web build (config `UI_PKG`, default `target/npm/leads-wasm/web`, made by
    `scripts/build-npm`)."""
    return send_from_directory(current_app.config["UI_PKG"], name, max_age=0)


@bp.post("/<username>")
@authenticated
def import_leads(uid: str, actor: str) -> Tuple[Response, int]:
    def param(name: str) -> Optional[str]:
        return request.args.get(name) or request.form.get(name) or None

    mode = cast(Mode, param("mode") or "strict")
    # The write policies go to leads as options (it refuses unknown values with invalid_option).
    policies: Dict[str, Any] = {name: param(name) for name in ("on_existing", "on_new", "blanks") if param(name)}
    dry_run = flag("dry_run", param("dry_run"), "invalid_option")
    mapping = param("mapping")
    if mapping is not None:
        policies["mapping"] = json_object("mapping", mapping)
    upload = request.files.get("file")
    source: Union[Path, IO[bytes]]
    if upload is not None:
        source = upload.stream
        if upload.filename:
            policies["file_name"] = Path(upload.filename).name
    else:
        body = json_body()
        path = text(body, "path", required=False)
        if "mapping" in body:
            if not isinstance(body["mapping"], dict):
                fail(400, "invalid_option", "mapping must be a JSON object", "mapping")
            policies["mapping"] = body["mapping"]
        folder = current_app.config.get("IMPORT_DIR")
        if not path or not folder:
            fail(
                400, "invalid_request", 'send a multipart field `file`, or JSON {"path": ...} with LEADS_IMPORT_DIR set'
            )
        base = Path(folder).resolve()
        source = (base / path).resolve()
        if base not in source.parents or not source.is_file():
            fail(404, "not_found", f"{path!r} is not a file inside the import folder")
    done = store().import_csv(uid, source, mode=mode, dry_run=dry_run, actor=actor, **policies)
    return jsonify(done.to_dict()), 200


def json_object(name: str, value: str) -> Dict[str, Any]:
    """A parameter holding a JSON object (a column mapping); anything else is a 400 naming it."""
    try:
        parsed = json.loads(value)
    except ValueError as e:
        fail(400, "invalid_option", f"{name} must be a JSON object: {e}", name)
    if not isinstance(parsed, dict):
        fail(400, "invalid_option", f"{name} must be a JSON object, not {type(parsed).__name__}", name)
    return cast(Dict[str, Any], parsed)


def flag(name: str, value: Optional[str], code: str) -> bool:
    """A true/false parameter (absent: false); anything else is a 400 with `code`."""
    text = (value or "false").lower()
    if text not in ("true", "false", "1", "0"):
        fail(400, code, f"{name} must be true or false, not {value!r}", name)
    return text in ("true", "1")


def bulk_query() -> Tuple[str, bool]:
    """The request's lead query string without `all`, and `all` (a bulk edit of every lead)."""
    parts = [p for p in request.query_string.decode().split("&") if p]
    flags = [p.partition("=")[2] for p in parts if p.partition("=")[0] == "all"]
    if len(flags) > 1:
        fail(400, "invalid_query", "`all` is given twice", "all")
    rest = "&".join(p for p in parts if p.partition("=")[0] != "all")
    return rest, flag("all", flags[0] if flags else None, "invalid_query")


def lead_patch() -> Dict[str, Any]:
    """The JSON body as a lead patch: string values (`salesperson` may be null)."""
    patch = json_body()
    for name, value in patch.items():
        if not (isinstance(value, str) or (name == "salesperson" and value is None)):
            fail(400, "invalid_request", f"`{name}` must be a string, not {type(value).__name__}", name)
    return patch


@bp.patch("/<username>/leads")
@authenticated
def update_leads(uid: str, actor: str) -> Response:
    query, every = bulk_query()
    job = store().update_leads(uid, query, lead_patch(), all=every, actor=actor)
    return jsonify({"updated": job["counts"]["updated"], "job": job})


@bp.delete("/<username>/leads")
@authenticated
def delete_leads(uid: str, actor: str) -> Response:
    query, every = bulk_query()
    job = store().delete_leads(uid, query, all=every, actor=actor)
    return jsonify({"deleted": job["counts"]["deleted"], "job": job})


@bp.get("/<username>/imports")
@authenticated
def imports(uid: str, actor: str) -> Response:
    known = {"limit", "cursor"}
    unknown = sorted(set(request.args) - known)
    if unknown:
        fail(
            400, "invalid_query", f"`{unknown[0]}` is not a parameter of the import history (limit, cursor)", unknown[0]
        )
    limit = request.args.get("limit")
    if limit is not None and not limit.isdigit():
        fail(400, "invalid_query", f"limit must be a number, not {limit!r}", "limit")
    return jsonify(store().imports(uid, int(limit) if limit else None, request.args.get("cursor"), actor=actor))


@bp.get("/<username>/imports/<import_id>")
@authenticated
def get_import(uid: str, actor: str, import_id: str) -> Response:
    return jsonify(store().get_import(uid, import_id, actor=actor))


@bp.post("/<username>/imports/<import_id>/revert")
@authenticated
def revert_import(uid: str, actor: str, import_id: str) -> Response:
    return jsonify(store().revert_import(uid, import_id, actor=actor))


@bp.get("/<username>")
@authenticated
def list_leads(uid: str, actor: str) -> Response:
    return jsonify(store().query(uid, request.query_string.decode(), actor=actor).to_dict())


@bp.post("/<username>/rejected")
@authenticated
def rejected_rows(uid: str, actor: str) -> Response:
    """The rows to fix of an uploaded file (multipart `file`), as CSV: its header plus an
    `errors` column, formula-safe, for a spreadsheet. Nothing is stored; it is part of importing
    into the workspace, so it needs the `import` permission there."""
    store().imports(uid, 1, actor=actor)  # 403 for whoever may not import here
    upload = request.files.get("file")
    if upload is None:
        fail(400, "invalid_request", "send the file as a multipart field `file`")
    name = Path(upload.filename or "leads.csv").stem
    headers = {"Content-Disposition": f'attachment; filename="{name}-to-fix.csv"'}
    return Response(leads.rejected_csv(upload.stream), mimetype="text/csv", headers=headers)


class _Chunks:
    """A bounded queue an export writes into while the response reads from it."""

    def __init__(self) -> None:
        self.queue: queue.Queue[Optional[bytes]] = queue.Queue(maxsize=16)
        self.closed = False

    def write(self, data: bytes) -> int:
        if self.closed:
            raise OSError("the client stopped reading the export")
        self.queue.put(bytes(data))
        return len(data)


@bp.get("/<username>/export.csv")
@authenticated
def export_leads(uid: str, actor: str) -> Response:
    """Every lead matching the query string, as CSV in the import format, streamed as it is read
    (pages of 1000 from the store, at most 16 chunks waiting): memory stays bounded however many
    leads match. A bad query is a 400 before anything is sent."""
    query = leads.LeadQuery.parse(request.query_string.decode())
    target, chunks, log = store(), _Chunks(), current_app.logger
    target.query(uid, "limit=1", actor=actor)  # a refusal is an error answer, before streaming

    def run() -> None:
        try:
            target.export_csv(uid, chunks, query, actor=actor)
        except Exception:  # the response is under way: it ends short, and the log says why
            log.exception("export of %s stopped", uid)
        finally:
            chunks.queue.put(None)

    def body() -> Iterator[bytes]:
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        try:
            while (chunk := chunks.queue.get()) is not None:
                yield chunk
        finally:
            chunks.closed = True
            while worker.is_alive():  # let a writer blocked on a full queue see `closed`
                try:
                    chunks.queue.get(timeout=0.1)
                except queue.Empty:
                    pass

    headers = {"Content-Disposition": 'attachment; filename="leads.csv"'}
    return Response(stream_with_context(body()), mimetype="text/csv", headers=headers)


@bp.patch("/<username>/leads/<path:lead_id>")
@authenticated
def update_lead(uid: str, actor: str, lead_id: str) -> Response:
    return jsonify(store().update_lead(uid, lead_id, lead_patch(), actor=actor).to_dict())


@bp.delete("/<username>/leads/<path:lead_id>")
@authenticated
def delete_lead(uid: str, actor: str, lead_id: str) -> Tuple[str, int]:
    store().delete_lead(uid, lead_id, actor=actor)
    return "", 204


@bp.get("/<username>/salespeople")
@authenticated
def salespeople(uid: str, actor: str) -> Response:
    return jsonify(store().salespeople(uid, actor=actor))


@bp.post("/<username>/salespeople")
@authenticated
def add_salesperson(uid: str, actor: str) -> Tuple[Response, int]:
    return jsonify(store().add_salesperson(uid, cast(str, text(json_body(), "name")), actor=actor)), 201


@bp.patch("/<username>/salespeople/<salesperson_id>")
@authenticated
def change_salesperson(uid: str, actor: str, salesperson_id: str) -> Response:
    data = json_body()
    name = text(data, "name", required=False)
    active = data.get("active", True)
    if not isinstance(active, bool):
        fail(400, "invalid_request", f"`active` must be a boolean, not {type(active).__name__}", "active")
    team = data.get("team_id", ...)
    if team is not ... and team is not None and not isinstance(team, str):
        fail(400, "invalid_request", f"`team_id` must be a string or null, not {type(team).__name__}", "team_id")
    if name is None and active and team is ...:
        fail(400, "invalid_request", 'send {"name": ...}, {"active": false} and/or {"team_id": ...}')
    person: Dict[str, Any] = {}
    if name is not None:
        person = store().rename_salesperson(uid, salesperson_id, name, actor=actor)
    if not active:
        person = store().deactivate_salesperson(uid, salesperson_id, actor=actor)
    if team is not ...:
        person = store().set_salesperson_team(uid, salesperson_id, team, actor=actor)
    return jsonify(person)


@bp.get("/<username>/teams")
@authenticated
def teams(uid: str, actor: str) -> Response:
    return jsonify({"items": store().teams(uid, actor=actor)})


@bp.post("/<username>/teams")
@authenticated
def add_team(uid: str, actor: str) -> Tuple[Response, int]:
    return jsonify(store().add_team(uid, cast(str, text(json_body(), "name")), actor=actor)), 201


def member_fields(data: Mapping[str, Any]) -> Dict[str, Any]:
    """`salesperson_id` (a string or null) and `team_ids` (a list of strings), checked for type."""
    out: Dict[str, Any] = {}
    if "salesperson_id" in data:
        value = data["salesperson_id"]
        if value is not None and not isinstance(value, str):
            fail(400, "invalid_request", "`salesperson_id` must be a string or null", "salesperson_id")
        out["salesperson_id"] = value
    if "team_ids" in data:
        ids = data["team_ids"]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            fail(400, "invalid_request", "`team_ids` must be a list of strings", "team_ids")
        out["team_ids"] = ids
    return out


def member_uuid(username: str) -> str:
    user = store().find_user(username)
    if user is None:
        fail(404, "not_found", f"no user named {username!r}")
    return str(user["uuid"])


@bp.get("/<username>/members")
@authenticated
def members(uid: str, actor: str) -> Response:
    return jsonify({"items": store().members(uid, actor=actor)})


@bp.post("/<username>/members")
@authenticated
def add_member(uid: str, actor: str) -> Tuple[Response, int]:
    data = json_body()
    name, role = cast(str, text(data, "username")), cast(str, text(data, "role"))
    fields = member_fields(data)
    member = store().add_member(uid, name, cast(Any, role), actor=actor, **fields)
    return jsonify(member), 201


@bp.patch("/<username>/members/<member>")
@authenticated
def change_member(uid: str, actor: str, member: str) -> Response:
    data = json_body()
    change = member_fields(data)
    role = text(data, "role", required=False)
    if role is not None:
        change["role"] = role
    return jsonify(store().change_member(uid, member_uuid(member), change, actor=actor))


@bp.delete("/<username>/members/<member>")
@authenticated
def remove_member(uid: str, actor: str, member: str) -> Tuple[str, int]:
    store().remove_member(uid, member_uuid(member), actor=actor)
    return "", 204


def create_app(config: Optional[Mapping[str, Any]] = None) -> Flask:
    """The app: defaults, then `LEADS_*` environment variables, then `config` (for tests)."""
    app = Flask(__name__)
    app.request_class = InMemoryUploads
    app.config.from_mapping(
        JWT_SECRET=None,
        IMPORT_DIR=None,
        MAX_UPLOAD_BYTES=50 * 1024 * 1024,
        STORE=None,
        DB="leads.db",
        LOGIN_RATE="30 per minute",
        UI_DIR=str(HERE.parent / "browser"),
        UI_PKG=str(HERE.parent.parent / "target" / "npm" / "leads-wasm" / "web"),
    )
    app.config.from_prefixed_env("LEADS")
    if config:
        app.config.update(config)
    # from_prefixed_env reads values as JSON where they parse: a secret is text all the same.
    secret = app.config["JWT_SECRET"]
    app.config["JWT_SECRET"] = secrets.token_urlsafe(48) if secret is None else f"{secret}"
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_BYTES"])
    if app.config["STORE"] is None:
        url, key = os.environ.get("SUPABASE_URL"), os.environ.get("SUPABASE_KEY")
        db = f"{app.config['DB']}"
        if url and key:
            app.config["STORE"] = leads.SupabaseStore(url, key)
        elif db == ":memory:":
            app.config["STORE"] = leads.MemoryStore()
        else:
            app.config["STORE"] = leads.SqliteStore(db)
    app.register_blueprint(bp)
    # Login attempts per client address, on top of the store's per-username throttling: one
    # limiter per app (in memory), so apps of one process do not share counts.
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", headers_enabled=True)
    rate = f"{app.config['LOGIN_RATE']}"
    limited: Any = limiter.limit(rate)(app.view_functions["leads.login"])
    app.view_functions["leads.login"] = limited
    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
