//! The arena tree html5ever builds a page into: nodes with their parent and children.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName, local_name, ns};

pub(super) type NodeId = usize;

#[derive(Debug)]
pub(super) enum NodeKind {
    Document,
    Element {
        name: QualName,
        attrs: Vec<Attribute>,
    },
    Text(String),
    Other,
}

#[derive(Debug)]
pub(super) struct Node {
    pub(super) kind: NodeKind,
    pub(super) parent: Option<NodeId>,
    pub(super) children: Vec<NodeId>,
}

/// What html5ever holds on to: the node id, and the element name it may ask for at any time.
#[derive(Debug, Clone)]
pub(super) struct Handle(Rc<HandleData>);

#[derive(Debug)]
struct HandleData {
    id: NodeId,
    name: Option<QualName>,
    template_contents: Option<Handle>,
}

pub(super) struct Sink {
    nodes: RefCell<Vec<Node>>,
    document: Handle,
    placeholder_name: QualName,
    quirks: Cell<QuirksMode>,
}

impl Sink {
    pub(super) fn new() -> Self {
        let document = Node {
            kind: NodeKind::Document,
            parent: None,
            children: Vec::new(),
        };
        Sink {
            nodes: RefCell::new(vec![document]),
            document: Handle(Rc::new(HandleData {
                id: 0,
                name: None,
                template_contents: None,
            })),
            placeholder_name: QualName::new(None, ns!(), local_name!("")),
            quirks: Cell::new(QuirksMode::NoQuirks),
        }
    }

    fn add(&self, kind: NodeKind) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node {
            kind,
            parent: None,
            children: Vec::new(),
        });
        nodes.len() - 1
    }

    fn handle(&self, kind: NodeKind) -> Handle {
        let id = self.add(kind);
        Handle(Rc::new(HandleData {
            id,
            name: None,
            template_contents: None,
        }))
    }

    fn detach(nodes: &mut [Node], child: NodeId) {
        if let Some(parent) = nodes[child].parent.take() {
            nodes[parent].children.retain(|&sibling| sibling != child);
        }
    }

    /// Inserts text or a node into `parent` at `index` (`None`: at the end), merging adjacent
    /// text as a browser does.
    fn insert(&self, parent: NodeId, index: Option<usize>, child: NodeOrText<Handle>) {
        let mut nodes = self.nodes.borrow_mut();
        let position = index.unwrap_or(nodes[parent].children.len());
        match child {
            NodeOrText::AppendText(text) => {
                if let Some(previous) = position.checked_sub(1).map(|at| nodes[parent].children[at])
                    && let NodeKind::Text(existing) = &mut nodes[previous].kind
                {
                    existing.push_str(&text);
                    return;
                }
                nodes.push(Node {
                    kind: NodeKind::Text(text.to_string()),
                    parent: Some(parent),
                    children: Vec::new(),
                });
                let id = nodes.len() - 1;
                nodes[parent].children.insert(position, id);
            }
            NodeOrText::AppendNode(handle) => {
                let id = handle.0.id;
                Self::detach(&mut nodes, id);
                let position = position.min(nodes[parent].children.len());
                nodes[id].parent = Some(parent);
                nodes[parent].children.insert(position, id);
            }
        }
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Vec<Node>;
    type ElemName<'a> = &'a QualName;

    fn finish(self) -> Vec<Node> {
        self.nodes.into_inner()
    }

    fn parse_error(&self, _message: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        self.document.clone()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        target.0.name.as_ref().unwrap_or(&self.placeholder_name)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let id = self.add(NodeKind::Element {
            name: name.clone(),
            attrs,
        });
        let template_contents = flags.template.then(|| self.handle(NodeKind::Document));
        Handle(Rc::new(HandleData {
            id,
            name: Some(name),
            template_contents,
        }))
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        self.handle(NodeKind::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        self.handle(NodeKind::Other)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.insert(parent.0.id, None, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        let has_parent = self.nodes.borrow()[element.0.id].parent.is_some();
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        _name: StrTendril,
        _public_id: StrTendril,
        _system_id: StrTendril,
    ) {
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        target
            .0
            .template_contents
            .clone()
            .unwrap_or_else(|| self.handle(NodeKind::Document))
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.0.id == y.0.id
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.quirks.set(mode);
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let location = {
            let nodes = self.nodes.borrow();
            nodes[sibling.0.id].parent.and_then(|parent| {
                let index = nodes[parent]
                    .children
                    .iter()
                    .position(|&child| child == sibling.0.id)?;
                Some((parent, index))
            })
        };
        if let Some((parent, index)) = location {
            // Detach first so the index stays right when the node moves within the same parent.
            if let NodeOrText::AppendNode(handle) = &new_node {
                let mut nodes = self.nodes.borrow_mut();
                Self::detach(&mut nodes, handle.0.id);
            }
            let index = self.nodes.borrow()[parent]
                .children
                .iter()
                .position(|&child| child == sibling.0.id)
                .unwrap_or(index);
            self.insert(parent, Some(index), new_node);
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let NodeKind::Element {
            attrs: existing, ..
        } = &mut nodes[target.0.id].kind
        {
            for attribute in attrs {
                if !existing.iter().any(|known| known.name == attribute.name) {
                    existing.push(attribute);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        Self::detach(&mut self.nodes.borrow_mut(), target.0.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut nodes = self.nodes.borrow_mut();
        let children = std::mem::take(&mut nodes[node.0.id].children);
        for &child in &children {
            nodes[child].parent = Some(new_parent.0.id);
        }
        nodes[new_parent.0.id].children.extend(children);
    }
}
