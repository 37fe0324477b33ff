"""The six tables' files by version: stored files, versions, the files of each, the head.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "dashboard_versions",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("parent_id", sa.BigInteger, sa.ForeignKey("dashboard_versions.id")),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("tables", sa.JSON, nullable=False),
    )
    op.create_index("dashboard_versions_parent", "dashboard_versions", ["parent_id"])
    op.create_table(
        "dashboard_version_files",
        sa.Column(
            "version_id",
            sa.BigInteger,
            sa.ForeignKey("dashboard_versions.id"),
            primary_key=True,
        ),
        sa.Column("table_name", sa.Text, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("dashboard_blobs.sha256"), nullable=False),
    )
    op.create_index("dashboard_version_files_blob", "dashboard_version_files", ["sha256"])
    op.create_table(
        "dashboard_head",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("version_id", sa.BigInteger, sa.ForeignKey("dashboard_versions.id")),
        sa.CheckConstraint("id = 1", name="dashboard_head_one_row"),
    )
    op.execute("INSERT INTO dashboard_head (id, version_id) VALUES (1, NULL)")


def downgrade() -> None:
    op.drop_table("dashboard_head")
    op.drop_table("dashboard_version_files")
    op.drop_table("dashboard_versions")
    op.drop_table("dashboard_blobs")
