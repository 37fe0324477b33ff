"""One builder per page: dataset + filters + viewer + language -> what the page draws."""
