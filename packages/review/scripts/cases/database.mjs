/** The database fixture group: an RDS instance and a manual snapshot, and the changes that expose them. */
const instance = (identifier, overrides = {}) => ({
  identifier,
  engine: 'postgres',
  instance_class: 'db.t3.micro',
  allocated_storage: 20,
  username: 'review',
  password: 'review-fixture-password-1',
  skip_final_snapshot: true,
  publicly_accessible: false,
  backup_retention_period: 7,
  ...overrides,
});

const databaseBaseline = () => ({
  resource: {
    aws_db_instance: { main: instance('review-db') },
    aws_db_snapshot: {
      main: {
        db_instance_identifier: '${aws_db_instance.main.identifier}',
        db_snapshot_identifier: 'review-db-snapshot',
      },
    },
  },
});

const databaseCases = [
  {
    name: 'db-public',
    class: 'coverage',
    expect: ['high data.database-public aws_db_instance.main'],
    description: 'the database becomes publicly accessible (a public DNS name and address)',
    mutate: (c) => (c.resource.aws_db_instance.main.publicly_accessible = true),
    changes: ['aws_db_instance.main'],
  },
  {
    name: 'db-new-public-instance',
    class: 'coverage',
    expect: ['high data.database-public aws_db_instance.reporting'],
    description: 'a new database is created publicly accessible',
    mutate: (c) =>
      (c.resource.aws_db_instance.reporting = instance('review-reporting', { publicly_accessible: true })),
    changes: ['aws_db_instance.reporting'],
  },
  {
    name: 'db-snapshot-public',
    class: 'coverage',
    expect: ['high data.snapshot-shared aws_db_snapshot.main'],
    description: 'the manual snapshot is shared with every AWS account (shared_accounts = ["all"])',
    mutate: (c) => (c.resource.aws_db_snapshot.main.shared_accounts = ['all']),
    changes: ['aws_db_snapshot.main'],
  },
  {
    name: 'db-snapshot-shared-account',
    class: 'coverage',
    expect: ['medium data.snapshot-shared aws_db_snapshot.main'],
    description: 'the manual snapshot is shared with another account',
    mutate: (c) => (c.resource.aws_db_snapshot.main.shared_accounts = ['999999999999']),
    changes: ['aws_db_snapshot.main'],
  },
  {
    name: 'db-benign-backup',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: backups are kept 14 days instead of 7',
    mutate: (c) => (c.resource.aws_db_instance.main.backup_retention_period = 14),
    changes: ['aws_db_instance.main'],
  },
];

export const group = { name: 'database', baseline: databaseBaseline, cases: databaseCases };
