"""The seed's REST API (DESIGN §8) on leads-py: a drop-in for the old Flask backend.

    python examples/flask/app.py            # 127.0.0.1:5000 (PORT changes the port)

Store: SupabaseStore when SUPABASE_URL and SUPABASE_KEY are set, the embedded MemoryStore
otherwise. LEADS_JWT_SECRET signs login tokens (a random one per process when unset; on
Supabase use the project's JWT secret so its Row Level Security sees the user).
LEADS_IMPORT_DIR names the folder `{"path": ...}` imports may read; LEADS_MAX_UPLOAD_BYTES caps
uploads (default 50 MB). Errors are `{"error": {"code", "message"}}`.

Uploads are validated and stored as they stream in: the multipart body is held in memory (within
the upload limit), never spooled to a temporary file, and `{"path": ...}` imports are read from
disk in chunks.
"""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path
from typing import IO, Any, Dict, Literal, Optional, Tuple, Union, cast

from flask import Flask, Request, Response, jsonify, request

import leads

Mode = Literal["strict", "skip_invalid"]  # anything else: 400 invalid_option from leads

STATUS = {
    "invalid_option": 400,
    "invalid_query": 400,
    "invalid_username": 400,
    "invalid_password": 400,
    "invalid_lead": 400,
    "invalid_token": 401,
    "invalid_credentials": 401,
    "username_taken": 409,
    "salesperson_exists": 409,
    "not_found": 404,
    "import_rejected": 422,
    "backend": 502,
    "http": 502,
    "partial_upsert": 502,
}


def error(code: str, message: str, status: int, **extra: Any) -> Tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}, **extra}), status


class InMemoryUploads(Request):
    """Keeps uploaded files in memory (they are bounded by MAX_CONTENT_LENGTH) instead of
    werkzeug's temporary files for parts over 500 KB: nothing is left on disk."""

    def _get_file_stream(
        self, total_content_length: Optional[int], content_type: Optional[str], filename: Optional[str] = None, content_length: Optional[int] = None
    ) -> IO[bytes]:
        return io.BytesIO()


def create_app(
    store: Optional[leads.Store] = None,
    jwt_secret: Optional[str] = None,
    import_dir: Optional[str] = None,
    max_upload_bytes: Optional[int] = None,
) -> Flask:
    """The app. Arguments default to the environment variables of the module docstring."""
    if store is None:
        url, key = os.environ.get("SUPABASE_URL"), os.environ.get("SUPABASE_KEY")
        if url and key:
            store = leads.SupabaseStore(url, key)
        else:
            store = leads.MemoryStore()
    secret = jwt_secret or os.environ.get("LEADS_JWT_SECRET") or secrets.token_urlsafe(48)
    folder = import_dir or os.environ.get("LEADS_IMPORT_DIR")
    app = Flask(__name__)
    app.request_class = InMemoryUploads
    app.config["MAX_CONTENT_LENGTH"] = max_upload_bytes or int(os.environ.get("LEADS_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
    db: leads.Store = store

    @app.errorhandler(leads.LeadsError)
    def leads_error(e: leads.LeadsError) -> Tuple[Response, int]:
        extra: Dict[str, Any] = {}
        if isinstance(e, leads.ImportRejectedError):
            extra["report"] = e.report.to_dict()
        if isinstance(e, leads.InvalidInputError) and e.issues:
            extra["issues"] = [issue.to_dict() for issue in e.issues]
        return error(e.code, str(e), STATUS.get(e.code, 500), **extra)

    @app.errorhandler(413)
    def too_large(_: Exception) -> Tuple[Response, int]:
        return error("too_large", f"the upload is larger than {app.config['MAX_CONTENT_LENGTH']} bytes", 413)

    def body() -> Dict[str, Any]:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    def owner(username: str) -> str:
        """The uuid of `username` if the bearer token is theirs; aborts with 401/403 otherwise."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise Unauthorized("a Bearer token is required")
        claims = leads.verify_token(header[len("Bearer ") :], secret)
        user = db.find_user(username)
        if user is None or user["uuid"] != claims["sub"]:
            raise Forbidden(f"this token is not {username}'s")
        return str(user["uuid"])

    class Unauthorized(Exception):
        pass

    class Forbidden(Exception):
        pass

    @app.errorhandler(Unauthorized)
    def unauthorized(e: Exception) -> Tuple[Response, int]:
        return error("unauthorized", str(e), 401)

    @app.errorhandler(Forbidden)
    def forbidden(e: Exception) -> Tuple[Response, int]:
        return error("forbidden", str(e), 403)

    @app.route("/user", methods=["POST", "PUT"])
    def register() -> Tuple[Response, int]:
        data = body()
        user = db.register(str(data.get("username", "")), str(data.get("password", "")))
        return jsonify({"uuid": user["uuid"], "username": user["username"]}), 201

    @app.post("/login")
    def login() -> Response:
        data = body()
        return jsonify(db.login(str(data.get("username", "")), str(data.get("password", "")), secret))

    @app.post("/<username>")
    def import_leads(username: str) -> Tuple[Response, int]:
        uid = owner(username)
        mode = cast(Mode, request.args.get("mode") or request.form.get("mode") or "strict")
        upload = request.files.get("file")
        source: Union[Path, IO[bytes]]
        if upload is not None:
            source = upload.stream
        else:
            path = body().get("path")
            if not path or not folder:
                return error("invalid_request", "send a multipart field `file`, or JSON {\"path\": ...} with LEADS_IMPORT_DIR set", 400)
            base = Path(folder).resolve()
            source = (base / str(path)).resolve()
            if base not in source.parents or not source.is_file():
                return error("not_found", f"{path!r} is not a file inside the import folder", 404)
        return jsonify(db.import_csv(uid, source, mode=mode).to_dict()), 200

    @app.get("/<username>")
    def list_leads(username: str) -> Response:
        uid = owner(username)
        return jsonify(db.query(uid, request.query_string.decode()).to_dict())

    @app.patch("/<username>/leads/<lead_id>")
    def update_lead(username: str, lead_id: str) -> Response:
        return jsonify(db.update_lead(owner(username), lead_id, body()).to_dict())

    @app.delete("/<username>/leads/<lead_id>")
    def delete_lead(username: str, lead_id: str) -> Tuple[str, int]:
        db.delete_lead(owner(username), lead_id)
        return "", 204

    @app.get("/<username>/salespeople")
    def salespeople(username: str) -> Response:
        return jsonify(db.salespeople(owner(username)))

    @app.post("/<username>/salespeople")
    def add_salesperson(username: str) -> Tuple[Response, int]:
        return jsonify(db.add_salesperson(owner(username), str(body().get("name", "")))), 201

    @app.patch("/<username>/salespeople/<salesperson_id>")
    def change_salesperson(username: str, salesperson_id: str) -> Response:
        uid, data = owner(username), body()
        person: Dict[str, Any] = {}
        if "name" in data:
            person = db.rename_salesperson(uid, salesperson_id, str(data["name"]))
        if data.get("active") is False:
            person = db.deactivate_salesperson(uid, salesperson_id)
        if not person:
            return error("invalid_request", "send {\"name\": ...} and/or {\"active\": false}", 400)  # type: ignore[return-value]
        return jsonify(person)

    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
