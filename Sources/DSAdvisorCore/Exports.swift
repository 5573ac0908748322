@_exported import KnowledgeBase
