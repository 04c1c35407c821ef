// Placeholder entry point of the Cli service; its work is built by a later issue.
return 0;
