// Placeholder entry point of the Scorer service; its work is built by a later issue.
return 0;
