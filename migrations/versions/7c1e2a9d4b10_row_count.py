"""row_count: exact row counts of large tables, kept by triggers (installed by init-db, core/row_counts.py)

Revision ID: 7c1e2a9d4b10
Revises: 3f58bce47456
Create Date: 2026-12-06 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e2a9d4b10'
down_revision = '3f58bce47456'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('row_count',
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('table_name', name=op.f('pk_row_count'))
    )


def downgrade():
    op.drop_table('row_count')
