// Placeholder entry point of the Ingest service; its work is built by a later issue.
return 0;
