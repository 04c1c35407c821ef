// Placeholder entry point of the LocalBroker service; its work is built by a later issue.
return 0;
