"""The Jira adapter against a local fake Jira, in Cloud and Data Center modes."""
