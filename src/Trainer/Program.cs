// Placeholder entry point of the Trainer service; its work is built by a later issue.
return 0;
