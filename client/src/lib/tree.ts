import type { StructureNode } from '@shared/schemas'

export interface StructureTree {
  roots: StructureNode[]
  children: Map<string, StructureNode[]>
  parent: Map<string, string | null>
  /** Number of reps below each node, at any depth. */
  downlineCount: Map<string, number>
}

const byName = (a: StructureNode, b: StructureNode) => a.name.localeCompare(b.name, 'de')

/** Builds the tree of the visible reps; a node whose upline is not visible becomes a root. */
export function buildTree(nodes: StructureNode[]): StructureTree {
  const ids = new Set(nodes.map((n) => n.id))
  const children = new Map<string, StructureNode[]>()
  const parent = new Map<string, string | null>()
  const roots: StructureNode[] = []
  for (const node of nodes) {
    const up = node.uplineId && ids.has(node.uplineId) ? node.uplineId : null
    parent.set(node.id, up)
    if (up) {
      const list = children.get(up)
      if (list) list.push(node)
      else children.set(up, [node])
    } else {
      roots.push(node)
    }
  }
  roots.sort(byName)
  for (const list of children.values()) list.sort(byName)

  // Iterative post-order, so deep structures cannot overflow the call stack.
  const downlineCount = new Map<string, number>()
  const stack: { id: string; done: boolean }[] = roots.map((r) => ({ id: r.id, done: false }))
  while (stack.length) {
    const top = stack.pop()!
    const kids = children.get(top.id) ?? []
    if (top.done) {
      downlineCount.set(top.id, kids.reduce((sum, k) => sum + 1 + (downlineCount.get(k.id) ?? 0), 0))
    } else {
      stack.push({ id: top.id, done: true })
      for (const k of kids) stack.push({ id: k.id, done: false })
    }
  }
  return { roots, children, parent, downlineCount }
}

/** Ids of the matching nodes and of all their ancestors (the paths that stay visible while searching). */
export function matchingPaths(tree: StructureTree, nodes: StructureNode[], needle: string): { visible: Set<string>; matches: Set<string> } {
  const q = needle.trim().toLocaleLowerCase('de')
  const matches = new Set(nodes.filter((n) => n.name.toLocaleLowerCase('de').includes(q)).map((n) => n.id))
  const visible = new Set<string>()
  for (const id of matches) {
    let cur: string | null | undefined = id
    while (cur && !visible.has(cur)) {
      visible.add(cur)
      cur = tree.parent.get(cur)
    }
  }
  return { visible, matches }
}
