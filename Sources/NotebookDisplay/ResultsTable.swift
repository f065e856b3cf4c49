// "This project vs the post vs the paper": bits/dim per dataset with the training budget used.

// MARK: - Reference numbers

/// Published bits/dim (lower is better) to compare against.
public enum ReferenceResults {
  /// The blog post's Table 1, by dataset name.
  public static let post: [String: Double] = ["MNIST": 1.92, "CIFAR-10": 3.79, "CelebA": 3.25]
  /// The Real NVP paper (Dinh et al. 2017), by dataset name.
  public static let paper: [String: Double] = ["CIFAR-10": 3.49, "CelebA": 3.02]
}

// MARK: - Result rows

/// One dataset's bits/dim here, in the post and in the paper, with the budget behind our number.
public struct ResultRow: Sendable {
  /// Dataset name, e.g. "MNIST".
  public var dataset: String
  /// Test bits/dim reached by this project, if measured.
  public var thisProject: Double?
  /// What our number cost, e.g. "20 epochs, 2 cores, 3 h".
  public var budget: String
  /// The post's bits/dim.
  public var post: Double?
  /// The paper's bits/dim.
  public var paper: Double?

  /// A row with every number given explicitly.
  public init(dataset: String, thisProject: Double?, budget: String, post: Double?, paper: Double?) {
    (self.dataset, self.thisProject, self.budget) = (dataset, thisProject, budget)
    (self.post, self.paper) = (post, paper)
  }

  /// A row whose post and paper numbers come from `ReferenceResults` (empty where none was published).
  public init(dataset: String, thisProject: Double?, budget: String) {
    self.init(
      dataset: dataset, thisProject: thisProject, budget: budget, post: ReferenceResults.post[dataset],
      paper: ReferenceResults.paper[dataset])
  }
}

// MARK: - Table factory

extension Table {
  /// A results table: dataset, this project's bits/dim, its budget, the post's and the paper's bits/dim.
  public static func results(_ rows: [ResultRow], caption: String? = "Test bits/dim (lower is better)")
    -> Table
  {
    let bits = NumberFormat.decimals(2)
    return Table(
      columns: [
        Column("dataset"), Column("this project", format: bits, alignment: .right), Column("budget"),
        Column("post", format: bits, alignment: .right), Column("paper", format: bits, alignment: .right),
      ],
      rows: rows.map { row in
        [
          .text(row.dataset), .optional(row.thisProject), .text(row.budget), .optional(row.post),
          .optional(row.paper),
        ]
      },
      caption: caption)
  }
}
