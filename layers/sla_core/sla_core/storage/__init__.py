"""DynamoDB storage: PynamoDB models of the slaops table (`models`) and the queries on them (`repository`)."""
