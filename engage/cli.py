"""``flask --app engage ...`` commands: database, demo data, users, tokens, the scheduler on its own,
offline verification."""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from commissioning_steps import audit_pack, checkpoint_signing, db, evidence_chain, passwords, staff
from commissioning_steps.errors import DomainError

from .extensions import database


def alembic_config():
    return db.alembic_config(current_app.config["DATABASE_URL"])


def upgrade_database() -> None:
    db.upgrade(current_app.config["DATABASE_URL"])


def init_app(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Apply the migrations (creates the database if need be)."""
        upgrade_database()
        click.echo("Database is up to date.")

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Only load when there are no staff accounts yet.")
    def demo_data(if_empty: bool):
        """Load demonstration accounts and commissions (never under the production configuration)."""
        from .demo import load_demo

        if not current_app.config["LOAD_DEMO_DATA"]:
            raise click.ClickException("Demo data is never loaded under the production configuration.")
        try:
            for line in load_demo(if_empty=if_empty):
                click.echo(line)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc

    users = AppGroup("users", help="Staff accounts.")
    app.cli.add_command(users)

    @users.command("delete")
    @click.option("--email", required=True)
    @click.confirmation_option(prompt="The account's name, email and password are removed for good. Go on?")
    def delete_user(email: str):
        """Delete a staff account: its evidence stays, authored by staff#id and its role."""
        from commissioning_steps import accounts

        session = database().session(write=True)
        try:
            user = staff.find_by_email(session, email)
            if user is None:
                raise click.ClickException("No staff account has that email address.")
            accounts.delete_account(session, user)
            click.echo(f"Deleted the account staff#{user.id}; its evidence entries stay, shown as a deleted "
                       f"{user.role_label.lower()} account.")
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        finally:
            session.close()

    @users.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice(staff.ROLES), required=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                  help="Prompted for when not given.")
    def create_user(email: str, name: str, role: str, password: str):
        """Create a staff account."""
        from .auth import hash_password

        problem = passwords.password_problem(password, (email, name))
        if problem:
            raise click.ClickException(problem + ".")
        session = database().session(write=True)
        try:
            user = staff.create_user(session, email=email, name=name, role=role, password_hash=hash_password(password))
        except DomainError as exc:
            raise click.ClickException(exc.message if exc.code == "conflict" else
                                       "; ".join(exc.fields.values()) or exc.message) from exc
        finally:
            session.close()
        click.echo(f"Created {role} account staff#{user.id} for {user.email}.")

    @users.command("list")
    def list_users():
        """List staff accounts."""
        from sqlalchemy import select

        session = database().session()
        for user in session.scalars(select(staff.StaffUser).order_by(staff.StaffUser.id)):
            click.echo(f"staff#{user.id}\t{user.role}\t{user.email}\t{'active' if user.active else 'disabled'}")
        session.close()

    @app.cli.command("create-token")
    @click.option("--email", required=True)
    def create_token(email: str):
        """Issue an API token for a staff account (for scripts)."""
        session = database().session(write=True)
        user = staff.find_by_email(session, email)
        if user is None:
            raise click.ClickException("No staff account has that email address.")
        token = staff.issue_token(session, user, name="Created on the command line")
        session.close()
        click.echo(token)

    @app.cli.command("scheduler")
    def run_scheduler():
        """Run the scheduled jobs alone, in the foreground, until stopped: the one scheduler of a
        deployment whose web processes run with SCHEDULER_ENABLED=0."""
        from . import jobs

        click.echo("Running the scheduled jobs (Ctrl+C to stop).")
        jobs.run(current_app._get_current_object())

    @app.cli.command("verify-evidence")
    @click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--checkpoint", "checkpoint_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="A signed checkpoint (JSON) the export must extend.")
    @click.option("--key", "key_text", default=None,
                  help="The published public key (base64, PEM, or a file holding either, or the JSON from "
                       "/api/v1/checkpoint-key). Without it the key the checkpoint carries is used, and its "
                       "key_id must be compared with the published one.")
    def verify_evidence(export: Path, checkpoint_path: Path | None, key_text: str | None):
        """Verify an exported evidence log offline, with no database; with --checkpoint, prove it
        extends a signed checkpoint (the same entries, unchanged, at the same positions). Given an
        evaluation audit pack (a ZIP), check every file against its manifest, the evidence export's
        chain, that its head is the report's, and that it extends the pack's checkpoint."""
        if zipfile.is_zipfile(export):
            if checkpoint_path:
                raise click.ClickException("an audit pack carries its own checkpoint: leave out --checkpoint")
            result = audit_pack.verify(export.read_bytes(), _public_key(key_text))
            if not result.ok:
                click.echo(f"The audit pack fails: {result.reason}", err=True)
            click.echo(json.dumps(result.as_dict(), indent=2))
            sys.exit(0 if result.ok else 1)
        document = _read_json(export, "a JSON export")
        if not isinstance(document, dict):
            raise click.ClickException(f"{export} is not a JSON export: not an object")
        result = evidence_chain.verify_export(document)
        report = result.as_dict()
        ok = result.ok
        checkpoint = _read_json(checkpoint_path, "a JSON checkpoint") if checkpoint_path else document.get("checkpoint")
        if isinstance(checkpoint, dict):
            against = checkpoint_signing.verify_export_against(document, checkpoint, _public_key(key_text))
            report["checkpoint"] = against.as_dict()
            ok = ok and against.ok
            if not against.ok:
                click.echo(f"Does not extend the checkpoint: {against.reason}", err=True)
        elif checkpoint_path:
            raise click.ClickException(f"{checkpoint_path} is not a checkpoint")
        report["ok"] = ok
        click.echo(json.dumps(report, indent=2))
        sys.exit(0 if ok else 1)


def _read_json(path: Path, what: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path} is not {what}: {exc}") from exc


def _public_key(text: str | None):
    if not text:
        return None
    path = Path(text)
    if len(text) < 4096 and path.is_file():
        text = path.read_text(encoding="utf-8")
    try:
        published = json.loads(text)
        if isinstance(published, dict):
            text = published.get("public_key") or published.get("public_key_pem") or ""
    except ValueError:
        pass
    try:
        return checkpoint_signing.load_public_key(text)
    except checkpoint_signing.KeyProblem as exc:
        raise click.ClickException(f"--key: {exc}") from exc
